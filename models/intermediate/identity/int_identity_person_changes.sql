{#- Merges and splits between the previous run and this one, appended every run:
    merge - this run's person holds records that belonged to several persons before;
    split - a person of the previous run now has its records in several persons.
    The previous state is the crosswalk history before this run's rows. Rows naming an erased
    person are deleted before each run appends (purge_erased).

    Only persons with a record whose person changed can merge or split, and the crosswalk history's rows of
    this run are exactly those records (plus new and vanished ones). So the pairs are built for the records
    of those persons alone: the changed records with their previous person, and the other records of the
    persons involved, whose previous person is their current one. At 1M people comparing all 2.9M records
    took 8.3 s of a daily run. The singular test assert_person_changes_equal_a_comparison_of_all_records
    (tag code) checks the result against that comparison. -#}
{{ config(
    materialized='incremental',
    on_schema_change='fail',
    full_refresh=keeps_history(),
    pre_hook="{{ purge_erased(person_id_columns=['person_id', 'example_related_person_id']) }}",
) }}

with

current_assignments as (
    select * from {{ ref('int_identity_persons_assigned') }}
),

history as (
    select * from {{ ref('int_identity_crosswalk_history') }}
),

changed_records as (
    select
        record_key,
        person_id
    from history
    where run_id = '{{ invocation_id }}'
),

history_of_changed as (
    select * from history
    where record_key in (select changed_records.record_key from changed_records)
),

previous_of_changed as (
    select * from ({{ latest_crosswalk('history_of_changed', invocation_id) }}) as latest
    where person_id is not null
),

changed_pairs as (
    select
        changed_records.record_key,
        previous_of_changed.person_id as previous_person_id,
        changed_records.person_id as current_person_id
    from changed_records
    inner join previous_of_changed on changed_records.record_key = previous_of_changed.record_key
    where changed_records.person_id is not null
),

persons_involved as (
    select previous_person_id as person_id from changed_pairs
    union
    select current_person_id as person_id from changed_pairs
),

paired as (
    select * from changed_pairs
    union all
    select
        current_assignments.record_key,
        current_assignments.person_id as previous_person_id,
        current_assignments.person_id as current_person_id
    from current_assignments
    where
        current_assignments.person_id in (select persons_involved.person_id from persons_involved)
        and current_assignments.record_key not in (select changed_records.record_key from changed_records)
),

changes as (
    {{ merges_and_splits('paired') }}
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
