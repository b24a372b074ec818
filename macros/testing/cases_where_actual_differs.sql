{#- The end of a macro test on literal cases: a CTE `cases` with columns input_value and expected comes
    first; this selects the cases where `expression` (written over input_value) gives anything else, so
    the test fails on any disagreement, nulls included. -#}
{% macro cases_where_actual_differs(expression) %}
results as (
    select
        input_value,
        expected,
        {{ expression }} as actual
    from cases
)

select * from results
where actual is distinct from expected
{% endmacro %}
