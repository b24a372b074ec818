{#- int_identity_person_changes pairs only the records of persons with a changed record. This compares every
    record assigned now with its latest crosswalk row before this run, as the model once did, and fails with
    each change one side has and the other lacks. It checks code, not data (tag code: `make test` runs it,
    the production build skips it, since it costs what the model saves). -#}
{{ config(tags=['code']) }}

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
        current_assignments.record_key,
        previous_assignments.person_id as previous_person_id,
        current_assignments.person_id as current_person_id
    from current_assignments
    inner join previous_assignments on current_assignments.record_key = previous_assignments.record_key
),

expected as (
    {{ merges_and_splits('paired') }}
),

recorded as (
    select
        change_type,
        person_id,
        related_person_count,
        example_related_person_id,
        record_count
    from {{ ref('int_identity_person_changes') }}
    where run_id = '{{ invocation_id }}'
),

missing as (
    select * from expected
    except all
    select * from recorded
),

unexpected as (
    select * from recorded
    except all
    select * from expected
)

select
    'missing' as problem,
    missing.*
from missing
union all
select
    'unexpected' as problem,
    unexpected.*
from unexpected
