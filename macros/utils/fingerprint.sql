{#- Fingerprints that tell an incremental model which of its groups' inputs changed since the last run.

    They detect change; they protect nothing, so a 64-bit hash serves, but it must be a good one. DuckDB's
    hash() is built for hash tables: on text it lets the last byte of each 8-byte word into the result only
    through 8 bits, so two texts that differ only there collide one time in 256 ('matthew.stevens_93@…' and
    'matthew4stevens993@…'; 250 pairs of the 5.1M node keys of the 1M-person graph). So each text value
    goes through md5 first (macro fingerprint_input; at 1M people the golden record's fingerprints take
    about 2 s instead of 1.1 s), and hash() combines the values by position. A new engine version may hash
    differently; then every group looks changed once and is recomputed, which is slower, not wrong.

    row_fingerprint: a hash of the columns' values by position, so no two different rows share one ('a|b'
    and 'c' is not 'a' and 'b|c'; null is neither 'N' nor ''). -#}
{% macro row_fingerprint(columns) %}
    {{ return(adapter.dispatch('row_fingerprint', 'customer360')(columns)) }}
{% endmacro %}

{% macro default__row_fingerprint(columns) -%}
    hash({% for column in columns %}{{ customer360.fingerprint_input(column) }}{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{#- A value as hash() should see it: itself when hash() mixes its type fully (var fingerprint_hashed_as_is,
    which customer360.row_hash reads too), else the md5 digest of its text. typeof() is constant per column,
    so DuckDB folds the case when it binds the query: a timestamp is not cast to text (0.85 s instead of 1.4 s
    for three columns of 6.6M rows). -#}
{% macro fingerprint_input(column) -%}
    case
        when regexp_replace(typeof({{ column }}), '\(.*\)$', '') in (
            {%- for kind in var('fingerprint_hashed_as_is') %}'{{ kind }}'{% if not loop.last %}, {% endif %}{% endfor -%}
        ) then cast(hash({{ column }}) as uhugeint)
        else md5_number(cast({{ column }} as string))
    end
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
