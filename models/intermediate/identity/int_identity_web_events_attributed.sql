{#- Web events attributed to persons. A logged-in event belongs to the person of its shop account.
    An anonymous event belongs to the person its cookie is stitched to — through a login on that
    device (at any time, before or after the event, on any of the person's device_owners: multi-hop through
    the identity graph) or an email typed into a form. A cookie used by several logged-in accounts is a
    shared device: screening refused its account links, so its anonymous events stay with the
    device's anonymous profile instead of merging its users.

    Incremental on DuckDB (a daily run writes 1% of the events, not all 16.6M at 1M people), and equal
    to a full refresh (tests/python/test_incremental.py): an event's attribution depends only on its
    (account, cookie) pair, so a run attributes each pair once, by today's assignments, and re-writes
    the events that are new or changed and those whose pair's attribution is no longer the stored one.
    Every stored event of a pair carries the same attribution, because whenever it changes all of the
    pair's events are re-written. Events gone from staging (erasure) are deleted by the pre-hook. On
    engines without delete+insert (Spark, Parquet) the model is a table. -#}
{{ config(
    materialized=('incremental' if target.type == 'duckdb' else 'table'),
    unique_key='web_event_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{{ delete_rows_missing_from(ref('stg_web__events'), 'web_event_id') }}",
) }}
{%- set event_columns = ['web_event_id', 'cookie_id', 'web_session_id', 'shop_account_id', 'event_type', 'device_type', 'occurred_at'] %}

with

events as (
    select * from {{ ref('stg_web__events') }}
),

assignments as (
    select * from {{ ref('int_identity_persons_assigned') }}
),

pair_keys as (
    select distinct
        shop_account_id,
        cookie_id
    from events
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
    changed_pairs as (
        select
            shop_account_id,
            cookie_id
        from (
            select * from pairs
            except
            select distinct
                shop_account_id,
                cookie_id,
                person_id,
                attribution_method
            from {{ this }}
        ) as reattributed
    ),

    touched as (
        select web_event_id
        from (
            select {{ event_columns | join(', ') }} from events
            except
            select {{ event_columns | join(', ') }} from {{ this }}
        ) as new_or_changed
        union
        select events.web_event_id
        from events
        inner join changed_pairs
            on
                events.shop_account_id is not distinct from changed_pairs.shop_account_id
                and events.cookie_id is not distinct from changed_pairs.cookie_id
    ),

    selected_events as (
        select events.*
        from events
        inner join touched on events.web_event_id = touched.web_event_id
    ),
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
        pairs.attribution_method
    from selected_events
    left join pairs
        on
            selected_events.shop_account_id is not distinct from pairs.shop_account_id
            and selected_events.cookie_id is not distinct from pairs.cookie_id
)

select * from attributed
