{#- The one place where consent is enforced for contact: a row per known person, purpose and channel
    only when the person's current consent grants that purpose on that channel AND the person can be
    reached there (an email address for email, a phone number for sms and phone, the app for push).
    Next best action and every activation audience read this model; none re-implements the rule. -#}
with

consent as (
    select * from {{ ref('int_consent_state') }}
),

golden_records as (
    select * from {{ ref('int_identity_golden_records') }}
),

features as (
    select * from {{ ref('int_customer_features') }}
),

contact_points as (
    select
        consent.person_id,
        consent.purpose,
        consent.channel,
        consent.last_changed_at as granted_at,
        case consent.channel
            when 'email' then golden_records.email
            when 'push' then case when features.uses_app then 'app:' || consent.person_id end
            else golden_records.phone_e164
        end as contact_point
    from consent
    inner join golden_records on consent.person_id = golden_records.person_id
    inner join features on consent.person_id = features.person_id
    where consent.is_granted
),

reachable as (
    select * from contact_points
    where contact_point is not null
)

select * from reachable
