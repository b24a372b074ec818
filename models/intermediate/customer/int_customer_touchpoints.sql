{#- The journey timeline's rows (marts.fct_customer_touchpoints is a view of them): every order, store
    purchase, web session, email event and support ticket attributed to a known person. Events that reach
    nobody (a store purchase without a card, an email to a household mailbox, an anonymous device) are left
    out.

    Only a web session can reach an anonymous person (a component of cookies alone): a purchase, a ticket
    and a contact point reach persons through a shop account, guest order, CRM contact or ticket record,
    which makes them known. So the session's own events say it (attribution 'anonymous device'). The
    relationship test of the mart to customer_360 fails if a touchpoint ever reaches a person who is not known.

    Incremental on DuckDB, and equal to a full refresh (tests/python/test_incremental.py). At 1M people the
    timeline is 16M rows, and a full rebuild spent most of its time writing them although a day changes about
    1%. Email events are 9.3M of them and reach their person through their address alone (the contact
    points), so a run writes the email events of delivery files it has not read and every email event of an
    address whose person differs from the stored one, in either direction. Sessions are recomputed where an
    event of theirs was written by the attributed web events after the stored sessions were built (their
    stamps, _attributed_at and _events_attributed_at); purchases and tickets are recomputed, which is cheap.
    Of these, only the touchpoints that differ from their stored rows are written. A stored touchpoint that
    is no longer produced, or whose address changed, gets a tombstone (a row without person_id) unless it is
    written again; delete+insert on touchpoint_id removes the stored row and the post-hook the tombstone. Email events only change when their raw table is
    re-landed (a grown erasure list, a file gone or out of order); the rows carry the email events' landing
    generation, and a new one empties the model first (restart_if_relanded). Spark keeps it a table. -#}
{{ config(
    materialized=upsert_materialization(),
    unique_key='touchpoint_id',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    pre_hook="{{ restart_if_relanded(ref('base_marketing__email_events'), ['_events_attributed_at', '_written_at']) }}",
    post_hook="{{ delete_tombstones('person_id') }}",
) }}
{#- An incremental run reads the stored rows' stamps (_events_attributed_at, _written_at). A table from before
    them (the first incremental version) is emptied by the pre-hook and built as in full, once. #}
{%- set incremental_run = is_incremental() and stored_table_has_column('_events_attributed_at')
    and stored_table_has_column('_written_at') %}
{#- In an incremental run, only the touched sessions are recomputed (CTE touched_sessions). #}
{%- set touched_session_filter = (
    'web_session_id in (select touched_sessions.web_session_id from touched_sessions)' if incremental_run else 'true'
) %}
{%- set recomputed_columns = [
    'touchpoint_id', 'person_id', 'channel', 'touchpoint_type', 'occurred_at', 'amount', '_events_attributed_at',
] %}

with

purchases as (
    select * from {{ ref('int_commerce_purchases_attributed') }}
),

web_events as (
    select * from {{ ref('int_identity_web_events_attributed') }}
),

email_events as (
    select * from {{ ref('stg_marketing__email_events') }}
),

contact_points as (
    select * from {{ ref('int_customer_contact_points') }}
),

tickets as (
    select * from {{ ref('stg_support__tickets') }}
),

assignments as (
    select * from {{ ref('int_identity_persons_assigned') }}
),

landing as (
    select max(_landing_generation) as _landing_generation
    from {{ ref('base_marketing__email_events') }}
),

address_persons as (
    select
        identifier_value as email_canonical,
        person_id
    from contact_points
    where identifier_type = 'email'
),

{% if incremental_run %}
    stored as (
        select * from {{ this }}
    ),

    sessions_read_until as (
        select max(_events_attributed_at) as attributed_at
        from stored
    ),

    session_scope as (
        {#- Every stored session is compared when no stored session has a stamp, or when every attributed web
            event was written after them: the attributed events started over (the raw web events were re-landed),
            so a stored session may have lost all its events, which no written event would say. #}
        select
            attributed_at,
            coalesce((select min(web_events._attributed_at) from web_events) > attributed_at, true) as all_sessions
        from sessions_read_until
    ),

    touched_sessions as (
        {#- Sessions with an event the attributed web events wrote after the stored sessions were built (new
            events, re-attributed ones): only they can differ. A full pass over the events' sessions took 1.5 s
            at 1M people. #}
        select distinct web_events.web_session_id
        from web_events
        cross join session_scope
        where
            web_events._attributed_at > session_scope.attributed_at
            or session_scope.attributed_at is null
            or session_scope.all_sessions
    ),
{% endif %}

sessions as (
    select
        'session:' || web_session_id as touchpoint_id,
        min(person_id) as person_id,
        'web' as channel,
        'web session' as touchpoint_type,
        min(occurred_at) as occurred_at,
        cast(null as decimal(18, 2)) as amount,
        max(_attributed_at) as _events_attributed_at
    from web_events
    where
        person_id is not null
        and web_session_id is not null
        and {{ touched_session_filter }}
    group by web_session_id
    {# The session's person (the least person_id) is anonymous when its events say so. #}
    having not min_by(attribution_method = 'anonymous device', person_id)
),

recomputed as (
    {#- Purchases, sessions (in an incremental run, the touched ones) and tickets: recomputed in every run. #}
    select
        purchase_id as touchpoint_id,
        person_id,
        channel,
        case when channel = 'web' then 'order' else 'store purchase' end as touchpoint_type,
        purchased_at as occurred_at,
        amount,
        cast(null as timestamp) as _events_attributed_at
    from purchases
    where person_id is not null

    union all

    select * from sessions

    union all

    select
        'ticket:' || tickets.ticket_id as touchpoint_id,
        assignments.person_id,
        tickets.contact_channel as channel,
        'support ticket' as touchpoint_type,
        tickets.created_at as occurred_at,
        cast(null as decimal(18, 2)) as amount,
        cast(null as timestamp) as _events_attributed_at
    from tickets
    inner join assignments on 'support_ticket:' || tickets.ticket_id = assignments.record_key
),

{% if incremental_run %}
    stored_recomputed as (
        select {{ recomputed_columns | join(', ') }}
        from stored
        where
            email_canonical is null
            and (
                touchpoint_type <> 'web session'
                or (select session_scope.all_sessions from session_scope)
                or touchpoint_id in (select 'session:' || touched_sessions.web_session_id from touched_sessions)
            )
    ),

    recomputed_changes as materialized (
        {#- One join of the recomputed touchpoints with their stored rows: new, changed and vanished ones. Two
            EXCEPTs computed the sessions twice (at 1M people 3.5 s against 1.8 s). #}
        select
            {% for column in recomputed_columns -%}
                recomputed.{{ column }},
            {% endfor -%}
            stored_recomputed.touchpoint_id as stored_touchpoint_id
        from recomputed
        full outer join stored_recomputed on recomputed.touchpoint_id = stored_recomputed.touchpoint_id
        where
            recomputed.touchpoint_id is null
            or stored_recomputed.touchpoint_id is null
            {% for column in recomputed_columns[1:] -%}
                or recomputed.{{ column }} is distinct from stored_recomputed.{{ column }}
            {% endfor %}
    ),

    stored_addresses as (
        {#- All stored events of an address carry one person: when it changes, all of them are written again. #}
        select distinct
            email_canonical,
            person_id
        from stored
        where email_canonical is not null
    ),

    changed_addresses as materialized (
        {#- An email event's row is the stored one unless its address now reaches another person or nobody. #}
        select coalesce(address_persons.email_canonical, stored_addresses.email_canonical) as email_canonical
        from address_persons
        full outer join stored_addresses on address_persons.email_canonical = stored_addresses.email_canonical
        where address_persons.person_id is distinct from stored_addresses.person_id
    ),

    read_files as (
        select distinct coalesce(_source_file, '') as _source_file
        from stored
        where email_canonical is not null
    ),

    selected_email_events as (
        select email_events.*
        from email_events
        where
            coalesce(email_events._source_file, '') not in (select read_files._source_file from read_files)
            or email_events.email_canonical in (select changed_addresses.email_canonical from changed_addresses)
    ),

    selected_recomputed as (
        select {{ recomputed_columns | join(', ') }}
        from recomputed_changes
        where touchpoint_id is not null
    ),

    possibly_gone as (
        {#- Stored touchpoints that may be gone: recomputed ones that vanished, and the email events of a changed
            address (an erased event, or an address that reaches nobody now). #}
        select stored_touchpoint_id as touchpoint_id
        from recomputed_changes
        where touchpoint_id is null
        union all
        select touchpoint_id
        from stored
        where email_canonical in (select changed_addresses.email_canonical from changed_addresses)
    ),
{% else %}
    selected_email_events as (
        select * from email_events
    ),

    selected_recomputed as (
        select * from recomputed
    ),
{% endif %}

written as (
    select
        selected_recomputed.*,
        cast(null as string) as email_canonical,
        cast(null as string) as _source_file
    from selected_recomputed

    union all

    select
        'email:' || selected_email_events.email_event_id as touchpoint_id,
        address_persons.person_id,
        'email' as channel,
        'email ' || selected_email_events.event_type as touchpoint_type,
        selected_email_events.occurred_at,
        cast(null as decimal(18, 2)) as amount,
        cast(null as timestamp) as _events_attributed_at,
        selected_email_events.email_canonical,
        selected_email_events._source_file
    from selected_email_events
    inner join address_persons on selected_email_events.email_canonical = address_persons.email_canonical
),

rows_and_tombstones as (
    select * from written
    {% if incremental_run %}
        union all
        select distinct
            possibly_gone.touchpoint_id,
            cast(null as string) as person_id,
            cast(null as string) as channel,
            cast(null as string) as touchpoint_type,
            cast(null as timestamp) as occurred_at,
            cast(null as decimal(18, 2)) as amount,
            cast(null as timestamp) as _events_attributed_at,
            cast(null as string) as email_canonical,
            cast(null as string) as _source_file
        from possibly_gone
        where possibly_gone.touchpoint_id not in (select written.touchpoint_id from written)
    {% endif %}
)

select
    rows_and_tombstones.*,
    landing._landing_generation,
    {{ run_started_timestamp() }} as _written_at
from rows_and_tombstones
cross join landing
