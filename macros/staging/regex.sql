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


{#- Like regex_matches, but the pattern is a SQL expression (a column of a rules seed), not a literal. -#}
{% macro regex_matches_expression(expression, pattern_expression) %}
    {{ return(adapter.dispatch('regex_matches_expression', 'customer360')(expression, pattern_expression)) }}
{% endmacro %}

{% macro default__regex_matches_expression(expression, pattern_expression) -%}
    regexp_matches({{ expression }}, {{ pattern_expression }})
{%- endmacro %}

{% macro spark__regex_matches_expression(expression, pattern_expression) -%}
    ({{ expression }} rlike {{ pattern_expression }})
{%- endmacro %}
