{#- Parse text into a date or timestamp, or null when it fits no accepted form, so staging can flag or
    quarantine the row instead of failing the build. `formats` (strptime notation) are tried first; then
    ISO 8601 date-times in every form exports produce, in UTC:
    - `2024-05-13 10:50:17`, with `T` for the space, a fraction of a second (up to nanoseconds, kept to the
      microsecond) and/or a `Z`;
    - the same with an offset (`+02:00`, `+0200`, `+02`), converted to UTC.
    Parquet columns are landed as text (see the raw contract), and a native TIMESTAMP with sub-second
    precision reads `2024-05-13 10:50:17.123456`, a TIMESTAMPTZ `2024-05-13 10:50:17+00`: without these
    forms every such row was quarantined as an unparseable time. -#}
{% macro parse_timestamp(expression, formats=[]) %}
    {{ return(adapter.dispatch('parse_timestamp', 'customer360')(expression, formats)) }}
{% endmacro %}

{% macro default__parse_timestamp(expression, formats) -%}
    {%- set naive = [] -%}
    {%- set with_offset = [] -%}
    {%- for separator in [' ', 'T'] -%}
        {%- for fraction in ['', '.%f'] -%}
            {%- set stem = '%Y-%m-%d' ~ separator ~ '%H:%M:%S' ~ fraction -%}
            {%- do naive.extend([stem, stem ~ 'Z']) -%}
            {%- do with_offset.append(stem ~ '%z') -%}
        {%- endfor -%}
    {%- endfor -%}
    {#- A fraction beyond microseconds (pandas writes nanoseconds) is cut to six digits, as Spark's cast cuts
        it; only text longer than a time with microseconds pays for the regular expression. #}
    {%- set text = 'trim(' ~ expression ~ ')' -%}
    {%- set text = 'case when length(' ~ text ~ ') > 26 then regexp_replace(' ~ text ~ ", '([.][0-9]{6})[0-9]+', '\\1') else " ~ text ~ ' end' -%}
    coalesce(
        try_strptime({{ text }}, {{ (formats + naive) | tojson | replace('"', "'") }}),
        timezone('UTC', try_strptime({{ text }}, {{ with_offset | tojson | replace('"', "'") }}))
    )
{%- endmacro %}

{% macro spark__parse_timestamp(expression, formats) -%}
    {#- Spark's cast reads every ISO 8601 form (the session time zone is UTC, profiles.yml); the pattern
        keeps it to the forms DuckDB accepts above (a bare date or a year alone would pass the cast). -#}
    {%- set java = {'%Y': 'yyyy', '%m': 'MM', '%d': 'dd', '%H': 'HH', '%M': 'mm', '%S': 'ss'} -%}
    coalesce(
        {%- for format in formats %}
        {%- set pattern = namespace(text=format) -%}
        {%- for code, replacement in java.items() %}{% set pattern.text = pattern.text | replace(code, replacement) %}{% endfor %}
        try_to_timestamp(trim({{ expression }}), '{{ pattern.text }}'),
        {%- endfor %}
        case
            when trim({{ expression }}) rlike '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,9})?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$'
                then try_cast(trim({{ expression }}) as timestamp)
        end
    )
{%- endmacro %}


{% macro parse_date(expression, formats=['%Y-%m-%d']) -%}
    cast({{ parse_timestamp(expression, formats) }} as date)
{%- endmacro %}


{#- Money amount in text: a number, or null. Negative values are kept so staging can quarantine them. -#}
{% macro parse_amount(expression) -%}
    {{ try_cast('trim(' ~ expression ~ ')', 'decimal(18, 2)') }}
{%- endmacro %}
