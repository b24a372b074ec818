{#-
    None of the listed columns is null, checked in one query: for models where several columns must
    always be filled (a quarantined row's table, row and reason). One query instead of one `not_null`
    test per column, because dbt's fixed cost per test (~40 ms) was most of what the tests cost the run.
    Fails with the offending rows.
-#}
{% test all_not_null(model, columns) %}

select {{ columns | join(', ') }}
from {{ model }}
where
    {% for column in columns -%}
        {{ column }} is null{% if not loop.last %} or {% endif %}
    {% endfor %}

{% endtest %}
