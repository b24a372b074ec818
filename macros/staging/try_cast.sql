{#- Cast that yields null instead of failing on a bad value (dbt.safe_cast raises on DuckDB). -#}
{% macro try_cast(expression, data_type) %}
    {{ return(adapter.dispatch('try_cast', 'customer360')(expression, data_type)) }}
{% endmacro %}

{% macro default__try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}
