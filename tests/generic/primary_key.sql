{#-
    The column is a primary key: never null and never repeated. One query instead of dbt's `unique`
    plus `not_null` pair: the production build runs ~40 of them, and dbt's fixed cost per test
    (~40 ms) was most of the audit's share of the run. Fails with one row per offending value.
-#}
{% test primary_key(model, column_name) %}

select
    {{ column_name }} as key_value,
    count(*) as rows_with_key
from {{ model }}
group by {{ column_name }}
having count(*) > 1 or {{ column_name }} is null

{% endtest %}
