{#- When this dbt invocation started, as a timestamp literal: the stamp of the rows a run writes (the
    crosswalk history's valid_from, the person changes, the attributed web events' _attributed_at). Run
    start times increase from run to run; a model that reads another's rows written after its own last run
    (int_customer_touchpoints) relies on that, as the crosswalk history's latest row per record does. -#}
{% macro run_started_timestamp() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}
