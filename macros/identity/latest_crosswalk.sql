{#- The crosswalk a change-log history describes: each record's latest row (record_key, person_id),
    optionally ignoring the rows of one run (the run in progress). A null person_id means the record
    had left the warehouse; callers decide whether to keep such rows. -#}
{% macro latest_crosswalk(history_relation, excluded_run_id=none) %}
    select
        record_key,
        person_id
    from (
        select
            record_key,
            person_id,
            row_number() over (partition by record_key order by valid_from desc) as recency_rank
        from {{ history_relation }}
        {% if excluded_run_id is not none %}where run_id <> '{{ excluded_run_id }}'{% endif %}
    ) as ranked
    where recency_rank = 1
{% endmacro %}
