{#- Parse text into a date or timestamp trying each format in turn (strptime notation); null when
    none fits, so staging can flag or quarantine the row instead of failing the build. -#}
{% macro parse_timestamp(expression, formats=['%Y-%m-%d %H:%M:%S']) %}
    {{ return(adapter.dispatch('parse_timestamp', 'customer360')(expression, formats)) }}
{% endmacro %}

{% macro default__parse_timestamp(expression, formats) -%}
    coalesce(
        {%- for format in formats %}
        try_strptime(trim({{ expression }}), '{{ format }}'){{ ',' if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}

{% macro spark__parse_timestamp(expression, formats) -%}
    {%- set java = {'%Y': 'yyyy', '%m': 'MM', '%d': 'dd', '%H': 'HH', '%M': 'mm', '%S': 'ss'} -%}
    coalesce(
        {%- for format in formats %}
        {%- set pattern = namespace(text=format) -%}
        {%- for code, replacement in java.items() %}{% set pattern.text = pattern.text | replace(code, replacement) %}{% endfor %}
        try_to_timestamp(trim({{ expression }}), '{{ pattern.text }}'){{ ',' if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}


{% macro parse_date(expression, formats=['%Y-%m-%d']) -%}
    cast({{ parse_timestamp(expression, formats) }} as date)
{%- endmacro %}


{#- Money amount in text: a number, or null. Negative values are kept so staging can quarantine them. -#}
{% macro parse_amount(expression) -%}
    {{ try_cast('trim(' ~ expression ~ ')', 'decimal(18, 2)') }}
{%- endmacro %}
