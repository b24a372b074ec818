{#-
    Land every declared raw table as a table in the `raw` schema, once per dbt invocation.

    The raw folder comes from CUSTOMER360_RAW_DIR; a table lives at <raw_dir>/<source>/<table>.parquet
    or .csv, or as a folder of delivery files <raw_dir>/<source>/<table>/*.parquet (or *.csv), which
    later runs append to (land_raw_table). Every declared column is exposed as text (staging types it), plus the file name and the
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
    {#- CUSTOMER360_LAND_RAW_FILES=false (or var land_raw_files false): reuse the tables an earlier
        command landed, as the second pass of customer360 run does. The pipeline sets the environment
        variable, not the var: changed vars make dbt re-parse the whole project (~9 s), and this one is
        read only while the hook runs. -#}
    {%- if execute and flags.WHICH in ['run', 'build'] and var('land_raw_files', true)
        and env_var('CUSTOMER360_LAND_RAW_FILES', 'true') | lower != 'false' -%}
        {%- set raw_dir = env_var('CUSTOMER360_RAW_DIR', 'data/demo/raw') -%}
        {#- Paths are written into SQL string literals below; customer360.settings.usable_path says the same. -#}
        {%- if "'" in raw_dir -%}
            {{ exceptions.raise_compiler_error("CUSTOMER360_RAW_DIR='" ~ raw_dir ~ "': a path with a single quote (') is not supported; use another folder") }}
        {%- endif -%}
        {%- do run_query('create schema if not exists raw') -%}
        {%- set suppressions = erasure_suppressions() -%}
        {%- set erasure_rows = 0 if suppressions is none else run_query('select count(*) from ' ~ suppressions).columns[0].values()[0] -%}
        {%- do drop_legacy_raw_views() -%}
        {%- set landed_now = [] -%}
        {%- for node in graph.sources.values() | selectattr('schema', 'equalto', 'raw') -%}
            {%- for path in land_raw_table(node, raw_dir, suppressions, erasure_rows | int) -%}
                {%- do landed_now.append((node.identifier, path)) -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- do record_landed_files(landed_now) -%}
        {#- What tests/intermediate/privacy/assert_raw_was_landed_with_the_current_erasure_list.sql compares
            with the list once this build has extended it. -#}
        {%- do customer360.create_scratch_table('raw._landing_erasure_list', 'select cast(' ~ erasure_rows ~ ' as bigint) as erasure_rows') -%}
    {%- endif -%}
    select 1
{% endmacro %}


{#- Table raw._landed_files (table_name, source_file): the files the last landing read, whole tables when
    it re-landed them. A base_ model of an append-only fact adds rows of these files only, or starts over
    from all of them, so its other rows are those it had before this landing. Its primary-key and
    reconciliation tests (argument landed_from, macros/testing/landed_now.sql) use that to check only the
    new rows when the pipeline says the rows from before were tested. -#}
{% macro record_landed_files(landed_now) %}
    {%- set rows -%}
        {%- for table_name, path in landed_now -%}
            select '{{ table_name }}' as table_name, '{{ path }}' as source_file
            {% if not loop.last %}union all {% endif %}
        {%- else -%}
            select cast(null as string) as table_name, cast(null as string) as source_file where false
        {%- endfor -%}
    {%- endset -%}
    {%- do customer360.create_scratch_table('raw._landed_files', rows) -%}
{% endmacro %}


{#- Land one raw table: append the rows of new delivery files, or re-land every file. Returns the files
    it read (none when the table stayed as it was).

    A table delivered as a folder of files (<source>/<table>/*.parquet, one file per export, named so
    that they sort in delivery order) is appended to: only files not landed yet are read. Everything is
    re-landed instead when that could differ from landing all files at once — on --full-refresh, when a
    landed file is gone, when a new file sorts before a landed one (duplicate keys keep the first row in
    file order), and when the erasure list changed since the last landing (rows landed earlier may carry
    newly erased identifiers). A table delivered as a single file (a full export, rewritten in place) is
    re-landed unless the file's size and modification time (macro raw_file_stamp) and the erasure list
    are those of its last landing: a daily run then skips the exports that did not change. Each landing
    stamps its rows with a generation ('<invocation_id>:<file stamp, single files only>:<erasure list
    rows>'); appended rows keep the table's generation, so the incremental base_ models see a changed
    generation and start over (macro restart_if_relanded). -#}
{% macro land_raw_table(node, raw_dir, suppressions, erasure_rows) %}
    {%- set relation = 'raw.' ~ node.identifier -%}
    {%- set delivery = raw_delivery(node, raw_dir) -%}
    {%- set landed = landed_deliveries(node) -%}
    {%- set stamp = raw_file_stamp(delivery.files[0]) if delivery.files and not delivery.folder else none -%}
    {%- if stamp and delivery.files[0].endswith('.csv') -%}{%- set stamp = stamp ~ '@' ~ raw_csv_encoding(node) -%}{%- endif -%}
    {%- if stamp and landed and not flags.FULL_REFRESH and landed.files == delivery.files
        and landed.stamp == stamp and landed.erasure_rows == erasure_rows -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set new_files = delivery.files | reject('in', landed.files) | list if landed else delivery.files -%}
    {%- set appendable = delivery.folder and landed and not flags.FULL_REFRESH
        and landed.erasure_rows == erasure_rows
        and landed.files | reject('in', delivery.files) | list | length == 0 -%}
    {#- A new file that sorts before a landed one changes the duplicate ranks only if it has rows. A file
        without any (a quiet day's empty export) is never in the table, so it is new on every run. -#}
    {%- set early = [] -%}
    {%- for path in new_files if appendable and path < landed.files | max -%}{%- do early.append(path) -%}{%- endfor -%}
    {%- if early -%}
        {%- set early_rows = run_query('select count(*) from (' ~ raw_rows_sql(node, early, suppressions, landed.generation) ~ ') as early').columns[0].values()[0] -%}
        {%- set appendable = early_rows == 0 -%}
        {%- set new_files = new_files | reject('in', early) | list -%}
    {%- endif -%}
    {%- if appendable -%}
        {%- if new_files -%}
            {%- do run_query('insert into ' ~ relation ~ ' select * from (' ~ raw_rows_sql(node, new_files, suppressions, landed.generation) ~ ') as delivered') -%}
        {%- endif -%}
        {{ return(new_files) }}
    {%- else -%}
        {%- if not delivery.files -%}
            {{ log('WARNING: raw file ' ~ raw_dir ~ '/' ~ node.source_name ~ '/' ~ node.name ~ '.parquet|.csv is absent; ' ~ node.source_name ~ '.' ~ node.name ~ ' is treated as empty', info=True) }}
        {%- endif -%}
        {%- set generation = invocation_id ~ ':' ~ (stamp ~ ':' if stamp else '') ~ erasure_rows -%}
        {%- do run_query(create_raw_table_as(relation) ~ '\n' ~ raw_rows_sql(node, delivery.files, suppressions, generation)) -%}
        {{ return(delivery.files) }}
    {%- endif -%}
{% endmacro %}


{#- What the raw table already holds: its files, its generation, the erasure list rows it was landed with
    and, for a single file, the file's stamp; none when it is absent, empty or from a version without
    generations (it is then re-landed). -#}
{% macro landed_deliveries(node) %}
    {%- set relation = 'raw.' ~ node.identifier -%}
    {%- if '_landing_generation' not in raw_table_columns(node.identifier) -%}{{ return(none) }}{%- endif -%}
    {%- set rows = run_query('select _source_file, max(_landing_generation) from ' ~ relation ~ ' group by _source_file').rows -%}
    {%- if rows | length == 0 -%}{{ return(none) }}{%- endif -%}
    {%- set files, generations = [], [] -%}
    {%- for row in rows -%}
        {%- do files.append(row[0]) -%}
        {%- do generations.append(row[1]) -%}
    {%- endfor -%}
    {%- set generation = generations | max -%}
    {%- set parts = generation.split(':') -%}
    {{ return({'files': files, 'generation': generation, 'erasure_rows': parts[-1] | int,
               'stamp': parts[1] if parts | length == 3 else none}) }}
{% endmacro %}


{#- A raw file's size and modification time ('<bytes>@<epoch ms>'): a single-file export with the same
    stamp as at its last landing is not landed again. Spark SQL cannot read file metadata: none, so
    every single file is re-landed there. -#}
{% macro raw_file_stamp(path) %}
    {{ return(adapter.dispatch('raw_file_stamp', 'customer360')(path)) }}
{% endmacro %}

{% macro default__raw_file_stamp(path) %}
    {%- set sql = "select cast(size as string) || '@' || cast(epoch_ms(last_modified) as string) from read_blob('" ~ path ~ "')" -%}
    {{ return(run_query(sql).columns[0].values()[0]) }}
{% endmacro %}

{% macro spark__raw_file_stamp(path) %}
    {{ return(none) }}
{% endmacro %}


{#- The character encoding a raw table's CSV files are read in: var raw_csv_encodings maps '<source>/<table>'
    or '<source>' to one (the table's entry wins), and anything not listed is UTF-8. Exports from older CRMs
    and tills are often Latin-1, which DuckDB reads natively ('latin-1'), as it does 'utf-16'; other names
    would need DuckDB's encodings extension, which is downloaded, so they stop the build with DuckDB's error.
    Spark takes any Java charset name ('windows-1252'). A single CSV file's landing stamp carries its
    encoding, so changing the var lands the file again; folders of delivered files keep the rows they landed
    (re-read them with --full-refresh). -#}
{% macro raw_csv_encoding(node) %}
    {%- set encodings = var('raw_csv_encodings') or {} -%}
    {{ return(encodings.get(node.source_name ~ '/' ~ node.name, encodings.get(node.source_name, 'utf-8'))) }}
{% endmacro %}


{#- Column names of a table in the raw schema (none when it is absent). Not adapter.get_relation: the raw
    schema holds no model, so dbt's relation cache would list it inside a transaction that the
    on-run-start hook then rolls back, with the landed tables in it. -#}
{% macro raw_table_columns(identifier) %}
    {{ return(adapter.dispatch('raw_table_columns', 'customer360')(identifier)) }}
{% endmacro %}

{% macro default__raw_table_columns(identifier) %}
    {%- set sql = "select column_name from information_schema.columns where table_schema = 'raw' and table_name = '" ~ identifier ~ "'" -%}
    {{ return(run_query(sql).columns[0].values() | list) }}
{% endmacro %}

{% macro spark__raw_table_columns(identifier) %}
    {%- if run_query("show tables in raw like '" ~ identifier ~ "'").rows | length == 0 -%}{{ return([]) }}{%- endif -%}
    {{ return(run_query('describe raw.' ~ identifier).columns[0].values() | list) }}
{% endmacro %}


{#- The statement selecting the rows of `files` for a raw table: every declared column as text (null,
    with a warning, where a file lacks it), the file, its 1-based row number and the landing generation,
    and no row of an erased person. No files: no rows. A file's header is matched to the contract regardless
    of case and surrounding blanks ("Email", " email "): exports capitalise headers, and an exact match
    read such a file as all empty, which quarantined every row. An exact name wins over another spelling. -#}
{% macro raw_rows_sql(node, files, suppressions, generation) %}
    {%- set declared = node.columns.keys() | list -%}
    with raw_rows as (
        {%- for path in files %}
        {%- set file = raw_file_reader(node, path, loop.index) -%}
        {%- set header = {} -%}
        {%- for name in file.present -%}
            {%- set key = name | trim | lower -%}
            {%- if key not in header or name == key -%}{%- do header.update({key: name}) -%}{%- endif -%}
        {%- endfor -%}
        {%- set missing = declared | reject('in', header) | list -%}
        {%- if missing -%}
            {{ log('WARNING: ' ~ path ~ ' has no column(s) ' ~ missing | join(', ') ~ '; they are read as empty', info=True) }}
        {%- endif %}
        select
            {% for column in declared -%}
            {% if column in header %}cast({{ adapter.quote(header[column]) }} as string){% else %}cast(null as string){% endif %} as {{ column }},
            {% endfor -%}
            '{{ path }}' as _source_file,
            {{ file.row_number }} as _source_row,
            '{{ generation }}' as _landing_generation
        from {{ file.reader }}
        {% if not loop.last %}union all{% endif %}
        {%- else %}
        select
            {% for column in declared -%}
            cast(null as string) as {{ column }},
            {% endfor -%}
            cast(null as string) as _source_file,
            cast(null as bigint) as _source_row,
            cast(null as string) as _landing_generation
        where false
        {%- endfor %}
    )
    {{ erasure_filtered('raw_rows', node, suppressions) }}
{% endmacro %}


{#- The delivery of a raw table: {'files': [paths in delivery order], 'folder': true when it is a folder
    of files}. A single <table>.parquet (or .csv) wins over a folder of the same name. -#}
{% macro raw_delivery(node, raw_dir) %}
    {{ return(adapter.dispatch('raw_delivery', 'customer360')(node, raw_dir)) }}
{% endmacro %}

{% macro default__raw_delivery(node, raw_dir) %}
    {%- set stem = raw_dir ~ '/' ~ node.source_name ~ '/' ~ node.name -%}
    {%- set single = run_query("select file from glob('" ~ stem ~ ".parquet') union all select file from glob('" ~ stem ~ ".csv')").columns[0].values() | list -%}
    {%- if single -%}
        {{ return({'files': single[:1], 'folder': false}) }}
    {%- endif -%}
    {%- set files = run_query("select file from glob('" ~ stem ~ "/*.parquet') order by file").columns[0].values() | list -%}
    {%- if not files -%}
        {%- set files = run_query("select file from glob('" ~ stem ~ "/*.csv') order by file").columns[0].values() | list -%}
    {%- endif -%}
    {{ return({'files': files, 'folder': true}) }}
{% endmacro %}

{#- Spark SQL cannot list a folder: customer360.spark lists the raw files into CUSTOMER360_RAW_FILES. -#}
{% macro spark__raw_delivery(node, raw_dir) %}
    {%- set found = fromjson(env_var('CUSTOMER360_RAW_FILES', '{}')).get(node.source_name ~ '__' ~ node.name) -%}
    {{ return(found or {'files': [], 'folder': false}) }}
{% endmacro %}


{#- How to read one raw file: {'reader': a relation to select from, 'row_number': its 1-based row number
    expression, 'present': the file's column names}. `index` tells files of one table apart. -#}
{% macro raw_file_reader(node, path, index) %}
    {{ return(adapter.dispatch('raw_file_reader', 'customer360')(node, path, index)) }}
{% endmacro %}

{% macro default__raw_file_reader(node, path, index) %}
    {%- if path.endswith('.parquet') -%}
        {%- set reader = "read_parquet('" ~ path ~ "', file_row_number = true)" -%}
        {%- set row_number = 'file_row_number + 1' -%}
    {%- else -%}
        {#- DuckDB scans a CSV in file order (preserve_insertion_order), so this is the data line number. -#}
        {%- set reader = "read_csv('" ~ path ~ "', header = true, all_varchar = true, encoding = '" ~ raw_csv_encoding(node) ~ "')" -%}
        {%- set row_number = 'row_number() over ()' -%}
    {%- endif -%}
    {%- set present = run_query('select column_name from (describe select * from ' ~ reader ~ ')').columns[0].values() | list -%}
    {{ return({'reader': reader, 'row_number': row_number, 'present': present}) }}
{% endmacro %}

{#- Spark: a temporary view reads the file with every column as text; the row number follows the file
    order (monotonically_increasing_id grows with the file split and the row within it). -#}
{% macro spark__raw_file_reader(node, path, index) %}
    {%- set view = 'raw_file_' ~ node.identifier ~ '_' ~ index -%}
    {#- Java names Latin-1 ISO-8859-1; DuckDB knows it only as latin-1. -#}
    {%- set encoding = raw_csv_encoding(node) -%}
    {%- set encoding = {'latin-1': 'ISO-8859-1'}.get(encoding | lower, encoding) -%}
    {%- set options = "header 'true', inferSchema 'false', encoding '" ~ encoding ~ "'" if path.endswith('.csv') else "mergeSchema 'false'" -%}
    {%- do run_query('create or replace temporary view ' ~ view ~ ' using ' ~ path.split('.')[-1] ~ " options (path '" ~ path ~ "', " ~ options ~ ')') -%}
    {%- set present = run_query('describe ' ~ view).columns[0].values() | list -%}
    {{ return({'reader': view, 'row_number': 'row_number() over (order by monotonically_increasing_id())', 'present': present}) }}
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
    cost 9 s of the landing at 100,000 people, and a cookie or an email repeats on many rows. The type,
    the address pattern of an email and the normal form are each computed once per value, in nested
    selects: written as one expression, DuckDB evaluated them several times over (the filter of the
    consent events took 14 s at 1M people instead of 5). -#}
{% macro erasure_filtered(rows, node, suppressions) %}
    {%- set columns = erasure_columns(node) if suppressions is not none else [] -%}
    {%- for name, type_expression, type_column in columns %}
        {%- set raw_columns = name ~ (', ' ~ type_column if type_column else '') %}
        {#- Only a column that may hold emails gets erasure_email: a constant null there trips DuckDB 2.0
            ("BindBuiltinScalarFunction did not return a BoundFunctionExpression" on split_part(...) in (...)). -#}
        {%- set email_column = 'erasure_email' if type_column or type_expression == "'email'" else none %}
        , erased_{{ loop.index }} as (
            select {{ raw_columns }}
            from (
                select
                    {{ raw_columns }},
                    erasure_type,
                    {{ erasure_normalised('erasure_type', name, email_column) }} as erasure_value
                from (
                    select
                        {{ raw_columns }},
                        {%- if email_column %}
                        {{ email_normalised_if(type_expression, name) }} as {{ email_column }},
                        {%- endif %}
                        {{ type_expression }} as erasure_type
                    from (select distinct {{ raw_columns }} from {{ rows }}) as distinct_values
                ) as typed_values
            ) as normalised_values
            where {{ erasure_hash('erasure_type', 'erasure_value') }} in (select identifier_hash from {{ suppressions }})
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
