{#- Similarity of two names in [0, 1], for telling a typo (jonathan / jonahtan) from another person.
    DuckDB has Jaro-Winkler; Spark 3.5 does not, so it uses one minus the normalised Levenshtein
    distance, which ranks single-letter slips the same way. -#}
{% macro name_similarity(left, right) %}
    {{ return(adapter.dispatch('name_similarity', 'customer360')(left, right)) }}
{% endmacro %}

{% macro default__name_similarity(left, right) -%}
    jaro_winkler_similarity({{ left }}, {{ right }})
{%- endmacro %}

{% macro spark__name_similarity(left, right) -%}
    (1.0 - levenshtein({{ left }}, {{ right }}) / greatest(length({{ left }}), length({{ right }})))
{%- endmacro %}
