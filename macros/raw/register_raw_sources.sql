{#-
    Land every declared raw table as a table in the `raw` schema, once per dbt invocation.

    The raw folder comes from CUSTOMER360_RAW_DIR; a table lives at <raw_dir>/<source>/<table>.parquet
    or .csv. Every declared column is exposed as text (staging types it), plus the file name and the
    1-based row number so a quarantined row can be traced back to its line. A column the file lacks
    is null; a file that is absent yields an empty table and a warning, so a company that exports
    only some systems can still build.

    Tables, not views: a view paid the erasure filter (normalising and hashing identifiers) on each
    of the ~10 reads per source (staging, quarantine, reconciliation tests); landing the files once
    made the demo build's tests about twice as fast (docs/decisions.md).

    Erasure starts here: a raw row carrying any identifier on the erasure suppression list
    (int_privacy_erasure_suppressions, salted hashes) is not landed, so staging, the
    quarantine and everything downstream never see it — also when the row is re-ingested later.
    The identifier columns are the source columns tagged `meta: {erasure_type: ...}` (or
    `erasure_type_column` when another column names the type).
-#}
{% macro register_raw_sources() %}
    {#- Only commands that build land the files: `dbt test` checks the relations as they were built
        (and published), not files that may have changed since. -#}
    {#- var land_raw_files false: the second pass of customer360 run reuses the tables the first landed. -#}
    {%- if execute and flags.WHICH in ['run', 'build'] and var('land_raw_files', true) -%}
        {%- set raw_dir = env_var('CUSTOMER360_RAW_DIR', 'data/demo/raw') -%}
        {%- do run_query('create schema if not exists raw') -%}
        {%- set suppressions = erasure_suppressions() -%}
        {%- do drop_legacy_raw_views() -%}
        {%- for node in graph.sources.values() | selectattr('schema', 'equalto', 'raw') -%}
            {%- do run_query(raw_source_landing_sql(node, raw_dir, suppressions)) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{% endmacro %}


{#- DuckDB warehouses built before raw was landed as tables hold views of the same names. -#}
{% macro drop_legacy_raw_views() %}
    {{ return(adapter.dispatch('drop_legacy_raw_views', 'customer360')()) }}
{% endmacro %}

{% macro default__drop_legacy_raw_views() %}{% endmacro %}

{% macro duckdb__drop_legacy_raw_views() %}
    {%- set views = run_query("select table_name from information_schema.tables where table_schema = 'raw' and table_type = 'VIEW'") -%}
    {%- for row in views.rows -%}
        {%- do run_query('drop view raw.' ~ adapter.quote(row[0])) -%}
    {%- endfor -%}
{% endmacro %}


{% macro raw_source_landing_sql(node, raw_dir, suppressions=none) %}
    {{ return(adapter.dispatch('raw_source_landing_sql', 'customer360')(node, raw_dir, suppressions)) }}
{% endmacro %}


{% macro default__raw_source_landing_sql(node, raw_dir, suppressions=none) %}
    {%- set stem = raw_dir ~ '/' ~ node.source_name ~ '/' ~ node.name -%}
    {%- set found = run_query("select file from glob('" ~ stem ~ ".parquet') union all select file from glob('" ~ stem ~ ".csv')") -%}
    {%- if found.rows | length == 0 -%}
        {{ raw_table_sql(node, raw_dir) }}
    {%- else -%}
        {%- set path = found.rows[0][0] -%}
        {%- if path.endswith('.parquet') -%}
            {%- set reader = "read_parquet('" ~ path ~ "', file_row_number = true)" -%}
            {%- set row_number = 'file_row_number + 1' -%}
        {%- else -%}
            {#- DuckDB scans a CSV in file order (preserve_insertion_order), so this is the data line number. -#}
            {%- set reader = "read_csv('" ~ path ~ "', header = true, all_varchar = true)" -%}
            {%- set row_number = 'row_number() over ()' -%}
        {%- endif -%}
        {%- set present = run_query('select column_name from (describe select * from ' ~ reader ~ ')').columns[0].values() | list -%}
        {{ raw_table_sql(node, raw_dir, path, present, reader, row_number, suppressions) }}
    {%- endif -%}
{% endmacro %}


{#- The statement landing one raw table: every declared column as text (null, with a warning, where the
    file lacks it), the file and its row number, and no row of an erased person. Without a `path` the file
    is absent: the table is empty, with a warning. `reader` and `row_number` are the engine's. -#}
{% macro raw_table_sql(node, raw_dir, path=none, present=[], reader=none, row_number=none, suppressions=none) %}
    {%- set declared = node.columns.keys() | list -%}
    {%- set relation = 'raw.' ~ node.identifier -%}
    {%- if path is none -%}
        {{ log('WARNING: raw file ' ~ raw_dir ~ '/' ~ node.source_name ~ '/' ~ node.name ~ '.parquet|.csv is absent; ' ~ node.source_name ~ '.' ~ node.name ~ ' is treated as empty', info=True) }}
        {{ create_raw_table_as(relation) }}
        select
            {% for column in declared -%}
            cast(null as string) as {{ column }},
            {% endfor -%}
            cast(null as string) as _source_file,
            cast(null as bigint) as _source_row
        where false
    {%- else -%}
        {%- set missing = declared | reject('in', present) | list -%}
        {%- if missing -%}
            {{ log('WARNING: ' ~ path ~ ' has no column(s) ' ~ missing | join(', ') ~ '; they are read as empty', info=True) }}
        {%- endif -%}
        {{ create_raw_table_as(relation) }}
        with raw_rows as (
            select
                {% for column in declared -%}
                {% if column in present %}cast({{ adapter.quote(column) }} as string){% else %}cast(null as string){% endif %} as {{ column }},
                {% endfor -%}
                '{{ path }}' as _source_file,
                {{ row_number }} as _source_row
            from {{ reader }}
        )
        {{ erasure_filtered('raw_rows', node, suppressions) }}
    {%- endif -%}
{% endmacro %}


{#- DuckDB replaces a table in one statement; Spark's Parquet tables are dropped first, then created. -#}
{% macro create_raw_table_as(relation) %}
    {{ return(adapter.dispatch('create_raw_table_as', 'customer360')(relation)) }}
{% endmacro %}

{% macro default__create_raw_table_as(relation) -%}
    create or replace table {{ relation }} as
{%- endmacro %}

{% macro spark__create_raw_table_as(relation) -%}
    {%- do run_query('drop table if exists ' ~ relation) -%}
    create table {{ relation }} using parquet as
{%- endmacro %}


{#- The identifier columns of a source: (column, type expression) for every column tagged
    `meta: {erasure_type: ...}` or `meta: {erasure_type_column: ...}`. -#}
{% macro erasure_columns(node) %}
    {%- set found = [] -%}
    {%- for name, column in node.columns.items() -%}
        {%- set meta = column.meta or {} -%}
        {%- if meta.get('erasure_type') -%}
            {%- do found.append((name, "'" ~ meta.get('erasure_type') ~ "'", none)) -%}
        {%- elif meta.get('erasure_type_column') -%}
            {%- set type_column = meta.get('erasure_type_column') -%}
            {%- do found.append((name, 'lower(' ~ clean_text(type_column) ~ ')', type_column)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(found) }}
{% endmacro %}


{#- The rows of `rows` (a CTE) that carry no suppressed identifier; all rows without a suppression list.

    The salted hash is computed once per distinct value of each identifier column (a CTE erased_N of
    the suppressed raw values), not once per row: normalising and hashing every row of the email events
    cost 9 s of the landing at 100,000 people, and a cookie or an email repeats on many rows. -#}
{% macro erasure_filtered(rows, node, suppressions) %}
    {%- set columns = erasure_columns(node) if suppressions is not none else [] -%}
    {%- for name, type_expression, type_column in columns %}
        , erased_{{ loop.index }} as (
            select {{ name }}{% if type_column %}, {{ type_column }}{% endif %}
            from (select distinct {{ name }}{% if type_column %}, {{ type_column }}{% endif %} from {{ rows }}) as distinct_values
            where {{ erasure_hash(type_expression, erasure_normalised(type_expression, name)) }}
                in (select identifier_hash from {{ suppressions }})
        )
    {%- endfor %}
    select {{ rows }}.* from {{ rows }}
    {%- for name, type_expression, type_column in columns %}
        {{ 'where' if loop.first else 'and' }} not exists (
            select 1 from erased_{{ loop.index }}
            where erased_{{ loop.index }}.{{ name }} = {{ rows }}.{{ name }}
            {%- if type_column %} and erased_{{ loop.index }}.{{ type_column }} = {{ rows }}.{{ type_column }}{% endif %}
        )
    {%- endfor %}
{% endmacro %}


{#- Spark: the file list comes from CUSTOMER360_RAW_FILES (customer360.spark lists the raw folder, which
    Spark SQL cannot). A temporary view reads the file with every column as text; the row number follows
    the file order (monotonically_increasing_id grows with the file split and the row within it). -#}
{% macro spark__raw_source_landing_sql(node, raw_dir, suppressions=none) %}
    {%- set path = fromjson(env_var('CUSTOMER360_RAW_FILES', '{}')).get(node.source_name ~ '__' ~ node.name) -%}
    {%- if path is none -%}
        {{ raw_table_sql(node, raw_dir) }}
    {%- else -%}
        {%- set view = 'raw_file_' ~ node.identifier -%}
        {%- set options = "header 'true', inferSchema 'false'" if path.endswith('.csv') else "mergeSchema 'false'" -%}
        {%- do run_query('create or replace temporary view ' ~ view ~ ' using ' ~ path.split('.')[-1] ~ " options (path '" ~ path ~ "', " ~ options ~ ')') -%}
        {%- set present = run_query('describe ' ~ view).columns[0].values() | list -%}
        {%- set row_number = 'row_number() over (order by monotonically_increasing_id())' -%}
        {{ raw_table_sql(node, raw_dir, path, present, view, row_number, suppressions) }}
    {%- endif -%}
{% endmacro %}
