{#- Pre-hook of the append-only histories (crosswalk, person changes): delete the rows of erased
    persons before this run appends, because a history is never rebuilt and would otherwise keep them.
    record_key_columns hold identity record keys, person_id_columns hold person ids.

    The purge hashes every row (2.7 s for the 4M-row crosswalk at 1M people), and it finds nothing when the
    list has not grown since the history was last purged. `customer360 run` knows when that is: its second
    pass builds the histories with the list its first pass left unchanged, the list they were purged
    against in the published run. It then sets CUSTOMER360_ERASURE_LIST_UNCHANGED=true (pipeline.
    REST_PASS_ENVIRONMENT); any other build purges. -#}
{% macro purge_erased(record_key_columns=[], person_id_columns=[]) %}
    {%- set suppressions = erasure_suppressions() -%}
    {%- set list_unchanged = env_var('CUSTOMER360_ERASURE_LIST_UNCHANGED', 'false') == 'true' -%}
    {%- if suppressions is none or not is_incremental() or list_unchanged -%}
        select 1
    {%- else -%}
        {%- set checks = [] -%}
        {%- for column in record_key_columns -%}{%- do checks.append(record_key_erasure_hash(column)) -%}{%- endfor -%}
        {%- for column in person_id_columns -%}{%- do checks.append(erasure_hash("'person_id'", column)) -%}{%- endfor -%}
        {%- set erased -%}
            {% for check in checks -%}
            coalesce({{ check }}, '') in (select identifier_hash from {{ suppressions }}){% if not loop.last %} or {% endif %}
            {% endfor %}
        {%- endset -%}
        {{ adapter.dispatch('delete_where', 'customer360')(this, erased) }}
    {%- endif -%}
{% endmacro %}


{#- Delete the rows of a table that match a condition. Spark's parquet tables have no DELETE, and a
    table cannot be overwritten from itself: the kept rows go through a scratch table. -#}
{% macro default__delete_where(relation, condition) -%}
    delete from {{ relation }} where {{ condition }}
{%- endmacro %}

{% macro spark__delete_where(relation, condition) -%}
    {%- set scratch = relation.incorporate(path={'identifier': relation.identifier ~ '__kept'}) -%}
    {%- do run_query('drop table if exists ' ~ scratch) -%}
    {%- do run_query('create table ' ~ scratch ~ ' using parquet as select * from ' ~ relation ~ ' where not (' ~ condition ~ ')') -%}
    {%- do run_query('insert overwrite table ' ~ relation ~ ' select * from ' ~ scratch) -%}
    {%- do run_query('drop table ' ~ scratch) -%}
    select 1
{%- endmacro %}


{#- The erasure suppression list (model int_privacy_erasure_suppressions) when it exists and holds a
    row, else none: callers then have nothing to hide. -#}
{% macro erasure_suppressions() %}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {%- set node = graph.nodes['model.customer360.int_privacy_erasure_suppressions'] -%}
    {%- set relation = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) -%}
    {%- if relation is none -%}{{ return(none) }}{%- endif -%}
    {%- set rows = run_query('select count(*) from ' ~ relation).columns[0].values() | first -%}
    {{ return(relation if rows > 0 else none) }}
{% endmacro %}


{#- The erasure list's growth since this build's landing: one row (rows_when_landed, rows_now) when the list
    `suppressions` has more rows than raw._landing_erasure_list says the landing used (macro
    register_raw_sources), none otherwise. The list only ever grows, so equal counts mean the same list. -#}
{% macro erasure_list_growth_sql(suppressions) %}
    select
        landing.erasure_rows as rows_when_landed,
        list_now.list_rows as rows_now
    from raw._landing_erasure_list as landing
    cross join (select count(*) as list_rows from {{ suppressions }}) as list_now
    where landing.erasure_rows <> list_now.list_rows
{% endmacro %}


{#- on-run-end: a build that grew the erasure list after landing the raw files still holds the newly erased
    persons' rows in what it built. Say so, with the remedy (dbt shows no rows of a failing test); the
    singular test assert_raw_was_landed_with_the_current_erasure_list fails such a build as well. An empty
    list cannot have grown. -#}
{% macro warn_if_erasure_list_grew() %}
    {%- set suppressions = erasure_suppressions() if execute and flags.WHICH in ['run', 'build'] else none -%}
    {%- if suppressions is not none and 'erasure_rows' in raw_table_columns('_landing_erasure_list') -%}
        {%- for grown in run_query(erasure_list_growth_sql(suppressions)).rows -%}
            {{ log('WARNING: this build grew the erasure suppression list from ' ~ grown[0] ~ ' to ' ~ grown[1]
                ~ ' rows after it landed the raw files, so the newly erased persons are still in what it built: '
                ~ 'run dbt build again (customer360 run does so itself)', info=True) }}
        {%- endfor -%}
    {%- endif -%}
    select 1
{% endmacro %}
