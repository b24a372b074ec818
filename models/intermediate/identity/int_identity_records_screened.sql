{#- Records with the contact points screening refused (junk, over their cap) taken out: what the
    fuzzy matcher compares and what the golden record may choose from. A household mailbox stays:
    it is a real, if shared, way to reach the person. A view: both readers scan it once. -#}
{{ config(materialized='view') }}

with

records as (
    select * from {{ ref('int_identity_records_unioned') }}
),

screened as (
    select * from {{ ref('int_identity_identifiers_screened') }}
),

refused_contact_points as (
    select distinct
        record_key,
        identifier_type,
        identifier_value
    from screened
    where screening_action = 'dropped' and identifier_type in ('email', 'phone')
),

usable as (
    select
        records.*,
        case when refused_email.record_key is null then records.email end as usable_email,
        case when refused_email.record_key is null then records.email_canonical end as usable_email_canonical,
        case when refused_phone.record_key is null then records.phone_e164 end as usable_phone
    from records
    left join refused_contact_points as refused_email
        on
            records.record_key = refused_email.record_key
            and refused_email.identifier_type = 'email'
            and records.email_canonical = refused_email.identifier_value
    left join refused_contact_points as refused_phone
        on
            records.record_key = refused_phone.record_key
            and refused_phone.identifier_type = 'phone'
            and records.phone_e164 = refused_phone.identifier_value
)

select * from usable
