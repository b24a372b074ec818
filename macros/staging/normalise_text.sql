{#- Trim, collapse inner white space, and turn blank strings into null. -#}
{% macro clean_text(expression) -%}
    nullif(trim({{ regex_replace_all(expression, '[ \\t\\r\\n]+', ' ') }}), '')
{%- endmacro %}


{#- Names for matching: cleaned, accent-folded (é -> e) and lower-cased. The display value is kept
    separately by the caller. -#}
{% macro normalise_name(expression) -%}
    lower({{ fold_accents(clean_text(expression)) }})
{%- endmacro %}


{% macro fold_accents(expression) %}
    {{ return(adapter.dispatch('fold_accents', 'customer360')(expression)) }}
{% endmacro %}

{% macro default__fold_accents(expression) -%}
    strip_accents({{ expression }})
{%- endmacro %}

{% macro spark__fold_accents(expression) -%}
    {#- The letters DuckDB's strip_accents folds (a base letter and a combining mark); Ø/ø and the like
        are letters of their own there, so they stay. -#}
    translate({{ expression }},
        'ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖòóôõöÙÚÛÜùúûüÝýÿ',
        'AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOoooooUUUUuuuuYyy')
{%- endmacro %}
