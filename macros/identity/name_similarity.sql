{#- Similarity of two names in [0, 1], for telling a typo (jonathan / jonahtan) from another person:
    Jaro-Winkler. Spark has no such function; `customer360 dbt-spark` registers one of the same name in
    the session (customer360.spark.jaro_winkler, tested equal to DuckDB's), so there is no Spark variant. -#}
{% macro name_similarity(left, right) %}
    {{ return(adapter.dispatch('name_similarity', 'customer360')(left, right)) }}
{% endmacro %}

{% macro default__name_similarity(left, right) -%}
    jaro_winkler_similarity({{ left }}, {{ right }})
{%- endmacro %}
