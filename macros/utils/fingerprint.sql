{#- Fingerprints that tell an incremental model which of its groups' inputs changed since the last run.

    row_fingerprint: md5 of the columns, each encoded as its length, a colon and its text (N for null),
    so that no two different rows share an encoding ('a|b' + 'c' is not 'a' + 'b|c', null is not 'N'). -#}
{% macro row_fingerprint(columns) -%}
    md5(
        {%- for column in columns %}
        coalesce(cast(length(cast({{ column }} as string)) as string) || ':' || cast({{ column }} as string), 'N')
        {%- if not loop.last %} || '|' ||{% endif %}
        {%- endfor %}
    )
{%- endmacro %}


{#- set_fingerprint: md5 of a group's fingerprints in sorted order, so the order rows arrive in does not
    matter (an aggregate; use with group by). -#}
{% macro set_fingerprint(expression) %}
    {{ return(adapter.dispatch('set_fingerprint', 'customer360')(expression)) }}
{% endmacro %}

{% macro default__set_fingerprint(expression) -%}
    md5(string_agg({{ expression }}, ',' order by {{ expression }}))
{%- endmacro %}

{% macro spark__set_fingerprint(expression) -%}
    md5(concat_ws(',', sort_array(collect_list({{ expression }}))))
{%- endmacro %}
