{#- The merges and splits a set of record pairings shows. `paired` is a CTE or relation with record_key,
    previous_person_id and current_person_id: every record assigned both before and now, or at least every
    such record of the persons that changed. Returns change_type, person_id, related_person_count,
    example_related_person_id, record_count:
    merge - a current person holds records that belonged to several persons before;
    split - a person of before now has its records in several persons.
    Used by int_identity_person_changes and by the test that checks it against a comparison of all records. -#}
{% macro merges_and_splits(paired) %}
    select
        'merge' as change_type,
        current_person_id as person_id,
        count(distinct previous_person_id) as related_person_count,
        min(previous_person_id) as example_related_person_id,
        count(*) as record_count
    from {{ paired }}
    group by current_person_id
    having count(distinct previous_person_id) > 1
    union all
    select
        'split' as change_type,
        previous_person_id as person_id,
        count(distinct current_person_id) as related_person_count,
        min(current_person_id) as example_related_person_id,
        count(*) as record_count
    from {{ paired }}
    group by previous_person_id
    having count(distinct current_person_id) > 1
{% endmacro %}
