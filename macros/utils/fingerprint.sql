{#- Fingerprints that tell an incremental model which of its groups' inputs changed since the last run.

    They detect change; they protect nothing, so a fast 64-bit hash serves: at 1M people the golden record's
    md5 fingerprints (each column length-prefixed into a string, the strings sorted and joined per person)
    took 7.9 s of its 8.8 s, these 1.4 s. Two different inputs share one only by a 64-bit collision. A new
    engine version may hash differently; then every group looks changed once and is recomputed, which is
    slower, not wrong.

    row_fingerprint: a hash of the columns' values by position, so no two different rows share one ('a|b'
    and 'c' is not 'a' and 'b|c'; null is neither 'N' nor ''). -#}
{% macro row_fingerprint(columns) %}
    {{ return(adapter.dispatch('row_fingerprint', 'customer360')(columns)) }}
{% endmacro %}

{% macro default__row_fingerprint(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{#- Spark's xxhash64 skips null arguments (xxhash64(null, 'a') = xxhash64('a', null)), so each value goes
    with whether it is null. -#}
{% macro spark__row_fingerprint(columns) -%}
    xxhash64({% for column in columns %}isnull({{ column }}), {{ column }}{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}


{#- set_fingerprint: a group's row fingerprints summed, as text, so the order rows arrive in does not matter
    and a repeated row counts twice (an aggregate; use with group by). -#}
{% macro set_fingerprint(expression) %}
    {{ return(adapter.dispatch('set_fingerprint', 'customer360')(expression)) }}
{% endmacro %}

{% macro default__set_fingerprint(expression) -%}
    cast(sum({{ expression }}) as string)
{%- endmacro %}

{#- decimal: a sum of bigints overflows, which ANSI Spark raises as an error. -#}
{% macro spark__set_fingerprint(expression) -%}
    cast(sum(cast({{ expression }} as decimal(38, 0))) as string)
{%- endmacro %}
