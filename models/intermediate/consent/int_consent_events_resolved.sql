{#- The consent audit trail: every staged consent event with the person it resolves to (through an
    email or phone that reaches exactly one person, or a CRM contact / shop account key) and the
    identifier and source it came through. An event whose identifier reaches nobody stays here with a
    null person_id: it grants nothing.

    Incremental on DuckDB, and equal to a full refresh (tests/python/test_incremental.py), like the
    attributed web events: an event's person depends only on its identifier, so a run resolves the
    identifiers (2.5M at 1M people) by today's contact points and assignments and writes (delete+insert on
    consent_event_id) the events of delivery files it has not read, plus every event of an identifier whose
    person differs from the stored one. A re-landed raw table (a grown erasure list, a file gone or out of
    order) empties the model first (restart_if_relanded), so erased events cannot survive. Spark keeps it
    a table. -#}
{{ config(
    materialized=upsert_materialization(),
    unique_key='consent_event_id',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    pre_hook="{{ restart_if_relanded(ref('base_consent__consent_events')) }}",
) }}
{#- A table built before this model was incremental has no _source_file: the pre-hook empties it (no landing
    generation either) and this run reads every event. -#}
{%- set reads_increments = stored_table_has_column('_source_file') %}

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

landing as (
    select max(_landing_generation) as _landing_generation
    from {{ ref('base_consent__consent_events') }}
),

identifier_keys as (
    {#- Read by their own reference: a second reader of the events CTE makes DuckDB materialise it. -#}
    select distinct
        identifier_type,
        identifier_normalised
    from {{ ref('stg_consent__consent_events') }}
),

identifiers as (
    select
        identifier_keys.identifier_type,
        identifier_keys.identifier_normalised,
        coalesce(contact_points.person_id, records.person_id) as person_id
    from identifier_keys
    left join contact_points
        on
            identifier_keys.identifier_type = contact_points.identifier_type
            and identifier_keys.identifier_normalised = contact_points.identifier_value
    left join assignments as records
        on
            identifier_keys.identifier_type in ('crm_contact_id', 'shop_account_id')
            and replace(identifier_keys.identifier_type, '_id', '') || ':' || identifier_keys.identifier_normalised
            = records.record_key
),

{% if reads_increments %}
    {{ unread_or_reattributed_events(
        'events', 'identifiers', ['identifier_type', 'identifier_normalised'], ['person_id']
    ) }}
{% else %}
    selected_events as (
        select * from events
    ),
{% endif %}

resolved as (
    select
        selected_events.consent_event_id,
        identifiers.person_id,
        selected_events.identifier_type,
        selected_events.identifier_normalised,
        selected_events.purpose,
        selected_events.channel,
        selected_events.consent_action,
        selected_events.capture_source,
        selected_events.occurred_at,
        selected_events._source_file,
        landing._landing_generation
    from selected_events
    cross join landing
    left join identifiers
        on
            selected_events.identifier_type is not distinct from identifiers.identifier_type
            and selected_events.identifier_normalised is not distinct from identifiers.identifier_normalised
)

select * from resolved
