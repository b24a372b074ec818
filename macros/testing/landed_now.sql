{#- For the tests of the append-only facts (argument landed_from, a raw table): whether they may check only
    the rows of the files the last landing read, and the condition that keeps those rows.

    They may when the pipeline says the rows from before this run were tested: env
    CUSTOMER360_EARLIER_ROWS_TESTED, which `customer360 run` sets on a work copy of a warehouse published by
    the same code, vars and settings. The base_ model of an append-only fact only adds the rows of files the
    landing read, or starts over from all files when the landing re-landed them (and then lists them all in
    raw._landed_files), so every other row is one the published run tested, and the same code makes the same
    staging and quarantine rows of it. Anywhere else (a build by hand, dbt test) the tests check every row. -#}
{% macro checks_landed_rows_only(landed_from) %}
    {{ return(landed_from is not none and customer360.earlier_rows_tested()) }}
{% endmacro %}

{#- The pipeline's word that the rows from before this run were tested (env CUSTOMER360_EARLIER_ROWS_TESTED). -#}
{% macro earlier_rows_tested() %}
    {{ return(env_var('CUSTOMER360_EARLIER_ROWS_TESTED', 'false') | lower == 'true') }}
{% endmacro %}

{% macro landed_now(file_column, landed_from) -%}
    {%- if customer360.checks_landed_rows_only(landed_from) -%}
        {{ file_column }} in (
            select landed.source_file from raw._landed_files as landed
            where landed.table_name = '{{ landed_from }}'
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- For the primary-key test of an incremental model that replaces rows by key (delete+insert) and stamps the
    rows it writes with the run's start (argument written_at, the stamp column): whether it may check only
    the keys of the rows this run wrote. delete+insert removes every stored row of a key it writes, so a
    repeated key needs a written row; the rows written before were tested when they were published. The
    same condition as for the append-only facts (checks_landed_rows_only), and the test runs in the dbt
    invocation that built the model (`customer360 run` builds and tests each model in one pass). -#}
{% macro checks_written_rows_only(written_at) %}
    {{ return(written_at is not none and customer360.earlier_rows_tested()) }}
{% endmacro %}
