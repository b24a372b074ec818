{#- Crosswalk history, kept as a change log: a row whenever a record gets a person_id different from
    its latest one (its first assignment included), and a row with a null person_id when a record
    disappears (erased or quarantined). The crosswalk as of any run is the latest row per record at
    or before that run. Append-only across runs; --full-refresh starts the history again, except in the
    pipeline's rebuild after an upgrade (macro keeps_history). Rows of
    erased persons are deleted before each run appends (purge_erased), so erasure reaches history. -#}
{{ config(
    materialized='incremental',
    on_schema_change='fail',
    full_refresh=keeps_history(),
    pre_hook="{{ purge_erased(record_key_columns=['record_key'], person_id_columns=['person_id']) }}",
) }}

with

current_assignments as (
    select
        record_key,
        person_id
    from {{ ref('int_identity_persons_assigned') }}
),

{% if is_incremental() %}
    latest as (
        {{ latest_crosswalk(this) }}
    ),

    changes as (
        select
            current_assignments.record_key,
            current_assignments.person_id
        from current_assignments
        left join latest on current_assignments.record_key = latest.record_key
        where latest.record_key is null or latest.person_id is null or latest.person_id <> current_assignments.person_id
        union all
        select
            latest.record_key,
            cast(null as string) as person_id
        from latest
        left join current_assignments on latest.record_key = current_assignments.record_key
        where current_assignments.record_key is null and latest.person_id is not null
    ),
{% else %}
    changes as (
        select * from current_assignments
    ),
{% endif %}

stamped as (
    select
        record_key,
        person_id,
        '{{ invocation_id }}' as run_id,
        {{ run_started_timestamp() }} as valid_from
    from changes
)

select * from stamped
