{#- Seconds since 1970 of a timestamp, for ordering by recency in arithmetic sort keys. -#}
{% macro epoch_seconds(expression) %}
    {{ return(adapter.dispatch('epoch_seconds', 'customer360')(expression)) }}
{% endmacro %}

{% macro default__epoch_seconds(expression) -%}
    epoch({{ expression }})
{%- endmacro %}

{% macro spark__epoch_seconds(expression) -%}
    unix_timestamp({{ expression }})
{%- endmacro %}
