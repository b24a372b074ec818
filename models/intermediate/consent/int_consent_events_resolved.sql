{#- The consent audit trail: every staged consent event with the person it resolves to (through an
    email or phone that reaches exactly one person, or a CRM contact / shop account key) and the
    identifier and source it came through. An event whose identifier reaches nobody stays here with a
    null person_id: it grants nothing. -#}
with

events as (
    select * from {{ ref('stg_consent__consent_events') }}
),

contact_points as (
    select * from {{ ref('int_customer_contact_points') }}
),

assignments as (
    select * from {{ ref('int_identity_persons_assigned') }}
),

resolved as (
    select
        events.consent_event_id,
        coalesce(contact_points.person_id, records.person_id) as person_id,
        events.identifier_type,
        events.identifier_normalised,
        events.purpose,
        events.channel,
        events.consent_action,
        events.capture_source,
        events.occurred_at
    from events
    left join contact_points
        on
            events.identifier_type = contact_points.identifier_type
            and events.identifier_normalised = contact_points.identifier_value
    left join assignments as records
        on
            events.identifier_type in ('crm_contact_id', 'shop_account_id')
            and replace(events.identifier_type, '_id', '') || ':' || events.identifier_normalised = records.record_key
)

select * from resolved
