{#- One row per day from start_date to end_date (inclusive), column date_day: DuckDB generates it with
    range(), Spark with sequence() + explode(). -#}
{% macro date_spine(start_date, end_date) %}
    {{ return(adapter.dispatch('date_spine', 'customer360')(start_date, end_date)) }}
{% endmacro %}

{% macro default__date_spine(start_date, end_date) -%}
    select cast(day as date) as date_day
    from range(date '{{ start_date }}', date '{{ end_date }}' + interval 1 day, interval 1 day) as days (day)
{%- endmacro %}

{% macro spark__date_spine(start_date, end_date) -%}
    select explode(sequence(date '{{ start_date }}', date '{{ end_date }}', interval 1 day)) as date_day
{%- endmacro %}
