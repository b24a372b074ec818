{#- The records the probabilistic matcher compares: those with a name (CRM contacts, shop accounts,
    support tickets). Guest orders and cookies have no name to compare and are linked only through
    identifiers. An email or phone that screening dropped (junk, over its cap) is hidden from the
    matcher too, so test@test.com cannot look like evidence. -#}
with

records as (
    select * from {{ ref('int_identity_records_unioned') }}
),

screened as (
    select * from {{ ref('int_identity_identifiers_screened') }}
),

dropped as (
    select
        record_key,
        identifier_type,
        identifier_value
    from screened
    where screening_action = 'dropped' and identifier_type in ('email', 'phone')
),

matchable as (
    select
        records.record_key,
        records.first_name_normalised as first_name,
        records.last_name_normalised as last_name,
        records.birth_date,
        case when dropped_email.record_key is null then records.email_canonical end as email,
        case when dropped_phone.record_key is null then records.phone_e164 end as phone,
        records.postcode
    from records
    left join dropped as dropped_email
        on
            records.record_key = dropped_email.record_key
            and dropped_email.identifier_type = 'email'
            and records.email_canonical = dropped_email.identifier_value
    left join dropped as dropped_phone
        on
            records.record_key = dropped_phone.record_key
            and dropped_phone.identifier_type = 'phone'
            and records.phone_e164 = dropped_phone.identifier_value
    where records.first_name_normalised is not null or records.last_name_normalised is not null
)

select * from matchable
