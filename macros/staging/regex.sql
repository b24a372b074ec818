{#- Regular expressions differ by engine: DuckDB needs regexp_matches and the 'g' flag to replace every
    match; Spark uses rlike and replaces every match by default. Patterns avoid backslashes because
    Spark processes escapes inside string literals and DuckDB does not. -#}
{% macro regex_matches(expression, pattern) %}
    {{ return(adapter.dispatch('regex_matches', 'customer360')(expression, pattern)) }}
{% endmacro %}

{% macro default__regex_matches(expression, pattern) -%}
    regexp_matches({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__regex_matches(expression, pattern) -%}
    ({{ expression }} rlike '{{ pattern }}')
{%- endmacro %}


{% macro regex_replace_all(expression, pattern, replacement) %}
    {{ return(adapter.dispatch('regex_replace_all', 'customer360')(expression, pattern, replacement)) }}
{% endmacro %}

{% macro default__regex_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro spark__regex_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}
