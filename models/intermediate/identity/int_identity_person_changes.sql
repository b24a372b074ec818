{#- Merges and splits between the previous run and this one, appended every run:
    merge - this run's person holds records that belonged to several persons before;
    split - a person of the previous run now has its records in several persons.
    The previous state is the crosswalk history before this run's rows. Rows naming an erased
    person are deleted before each run appends (purge_erased). -#}
{{ config(
    materialized='incremental',
    on_schema_change='fail',
    pre_hook="{{ purge_erased(person_id_columns=['person_id', 'example_related_person_id']) }}",
) }}

with

current_assignments as (
    select * from {{ ref('int_identity_persons_assigned') }}
),

previous_assignments as (
    select * from ({{ latest_crosswalk(ref('int_identity_crosswalk_history'), invocation_id) }}) as latest
    where person_id is not null
),

paired as (
    select
        current_assignments.person_id as current_person_id,
        previous_assignments.person_id as previous_person_id,
        current_assignments.record_key
    from current_assignments
    inner join previous_assignments on current_assignments.record_key = previous_assignments.record_key
),

merged_persons as (
    select
        'merge' as change_type,
        current_person_id as person_id,
        count(distinct previous_person_id) as related_person_count,
        min(previous_person_id) as example_related_person_id,
        count(*) as record_count
    from paired
    group by current_person_id
    having count(distinct previous_person_id) > 1
),

split_persons as (
    select
        'split' as change_type,
        previous_person_id as person_id,
        count(distinct current_person_id) as related_person_count,
        min(current_person_id) as example_related_person_id,
        count(*) as record_count
    from paired
    group by previous_person_id
    having count(distinct current_person_id) > 1
),

changes as (
    select * from merged_persons
    union all
    select * from split_persons
),

stamped as (
    select
        '{{ invocation_id }}' as run_id,
        {{ run_started_timestamp() }} as changed_at,
        change_type,
        person_id,
        related_person_count,
        example_related_person_id,
        record_count
    from changes
)

select * from stamped
