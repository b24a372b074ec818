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
