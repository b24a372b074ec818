{#- The materialization of a model that updates rows in place (incremental, delete+insert on its unique
    key): incremental where the adapter has delete+insert, a table elsewhere (dbt-spark on Parquet has no
    delete+insert, so Spark rebuilds such a model on every run; same rows, more work). -#}
{% macro upsert_materialization() %}
    {{ return(adapter.dispatch('upsert_materialization', 'customer360')()) }}
{% endmacro %}

{% macro default__upsert_materialization() %}
    {{ return('incremental') }}
{% endmacro %}

{% macro spark__upsert_materialization() %}
    {{ return('table') }}
{% endmacro %}

{#- True when this incremental model's stored table has `column`. A model that gained a column its incremental
    logic reads (a fingerprint, the source file) checks it, so that the first run after an upgrade recomputes
    every row instead of failing on the missing column (the model's on_schema_change adds it). -#}
{% macro stored_table_has_column(column) %}
    {%- if not (execute and is_incremental()) -%}{{ return(false) }}{%- endif -%}
    {{ return(column in (adapter.get_columns_in_relation(this) | map(attribute='name') | list)) }}
{% endmacro %}
