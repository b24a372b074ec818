{#- The n-th space-separated word of a text (1-based). DuckDB's split_part is 1-based; Spark's
    split() returns a 0-based array, so the index is shifted there. -#}
{% macro split_part_of(expression, n) %}
    {{ return(adapter.dispatch('split_part_of', 'customer360')(expression, n)) }}
{% endmacro %}

{% macro default__split_part_of(expression, n) -%}
    nullif(split_part({{ expression }}, ' ', {{ n }}), '')
{%- endmacro %}

{% macro spark__split_part_of(expression, n) -%}
    nullif(element_at(split({{ expression }}, ' '), {{ n }}), '')
{%- endmacro %}
