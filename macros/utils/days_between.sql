{#- Whole days from one date to a later one: DuckDB subtracts dates to an integer, Spark needs datediff(end, start). -#}
{% macro days_between(start_date, end_date) %}
    {{ return(adapter.dispatch('days_between', 'customer360')(start_date, end_date)) }}
{% endmacro %}

{% macro default__days_between(start_date, end_date) -%}
    date_diff('day', {{ start_date }}, {{ end_date }})
{%- endmacro %}

{% macro spark__days_between(start_date, end_date) -%}
    datediff({{ end_date }}, {{ start_date }})
{%- endmacro %}
