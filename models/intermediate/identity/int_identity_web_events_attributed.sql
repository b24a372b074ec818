{#- Web events attributed to persons. A logged-in event belongs to the person of its shop account.
    An anonymous event belongs to the person its cookie is stitched to — through a login on that
    device (at any time, before or after the event, on any of the person's device_owners: multi-hop through
    the identity graph) or an email typed into a form. A cookie used by several logged-in accounts is a
    shared device: screening refused its account links, so its anonymous events stay with the
    device's anonymous profile instead of merging its users.

    Incremental on DuckDB, and equal to a full refresh (tests/python/test_incremental.py). An event's
    attribution depends only on its (account, cookie) pair, so a run attributes the ~1.4M pairs (at 1M
    people) by today's assignments and writes (delete+insert on web_event_id) the events of delivery files
    it has not read, plus every event of a pair whose attribution differs from the stored one. All stored
    events of a pair carry one attribution, because when it changes all of them are re-written. Staged
    events change only when the raw table is re-landed (a grown erasure list, a file gone or out of
    order); the rows carry the landing generation, and a new one empties the model first
    (restart_if_relanded), so erased events cannot survive. Every row written carries the run's start
    (_attributed_at): the timeline recomputes the sessions of the events written since it last ran, and a
    daily run's primary-key test checks the keys written now. Rows from before the column existed have none
    (on_schema_change adds it), which is right: the timeline's first build read them. Spark keeps it a
    table (dbt-spark has no delete+insert for Parquet). -#}
{{ config(
    materialized=upsert_materialization(),
    unique_key='web_event_id',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    pre_hook="{{ restart_if_relanded(ref('base_web__events')) }}",
) }}
{%- set event_columns = [
    'web_event_id', 'cookie_id', 'web_session_id', 'shop_account_id', 'event_type', 'device_type', 'occurred_at',
    '_source_file',
] %}

with

events as (
    select * from {{ ref('stg_web__events') }}
),

cookie_activity as (
    select * from {{ ref('int_identity_cookie_activity') }}
),

assignments as (
    select * from {{ ref('int_identity_persons_assigned') }}
),

landing as (
    select max(_landing_generation) as _landing_generation
    from {{ ref('base_web__events') }}
),

pair_keys as (
    {#- The pairs with a cookie come from the cookie activity (1.4M rows at 1M people, against 16.6M events);
        staging refuses events with neither a cookie nor an account. The events are read here by their own
        reference: a second reader of the events CTE made DuckDB materialise all 16.6M rows (5 s). -#}
    select distinct
        shop_account_id,
        cookie_id
    from cookie_activity
    union all
    select distinct
        shop_account_id,
        cookie_id
    from {{ ref('stg_web__events') }}
    where cookie_id is null
),

pairs as (
    select
        pair_keys.shop_account_id,
        pair_keys.cookie_id,
        coalesce(account_owners.person_id, device_owners.person_id) as person_id,
        case
            when account_owners.person_id is not null then 'logged in'
            when device_owners.is_anonymous_person then 'anonymous device'
            when device_owners.person_id is not null then 'stitched device'
            else 'unattributed'
        end as attribution_method
    from pair_keys
    left join assignments as account_owners on 'shop_account:' || pair_keys.shop_account_id = account_owners.record_key
    left join assignments as device_owners on 'web_cookie:' || pair_keys.cookie_id = device_owners.record_key
),

{% if is_incremental() %}
    {{ unread_or_reattributed_events(
        'events', 'pairs', ['shop_account_id', 'cookie_id'], ['person_id', 'attribution_method']
    ) }}
{% else %}
    selected_events as (
        select * from events
    ),
{% endif %}

attributed as (
    select
        {% for column in event_columns -%}
            selected_events.{{ column }},
        {% endfor -%}
        pairs.person_id,
        pairs.attribution_method,
        landing._landing_generation,
        {{ run_started_timestamp() }} as _attributed_at
    from selected_events
    cross join landing
    left join pairs
        on
            selected_events.shop_account_id is not distinct from pairs.shop_account_id
            and selected_events.cookie_id is not distinct from pairs.cookie_id
)

select * from attributed
