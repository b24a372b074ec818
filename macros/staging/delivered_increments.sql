{#- Incremental base_ models of the append-only facts (web and email events, orders and their lines, store
    transactions, consent events): each reads one raw table, and its first row per key wins.

    They follow the raw landing (macros/raw/register_raw_sources.sql): a raw table delivered as a folder of
    files grows by whole files, so a base_ model reads only the rows of files it has not seen, and a
    re-landed raw table (new generation) makes it start over. Ingesting by file instead of by event time
    needs no late-arrival window: an event delivered days late is in a new file and is read like any other,
    so a sequence of incremental runs equals a full refresh (tests/python/test_incremental.py). -#}

{#- Pre-hook: empty the model when the raw table (the model's one source, or `upstream`: a model whose rows
    carry the raw table's _landing_generation) was re-landed since the model last ran, or when the model
    predates landing generations, so that the run rebuilds it from all raw rows. A model's rows all carry
    one generation: appends keep it, and a re-landing empties the model first. -#}
{% macro restart_if_relanded(upstream=none) %}
    {%- if execute and is_incremental() -%}
        {%- set source_relation = upstream if upstream is not none else source(*model.sources[0]) -%}
        {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | list -%}
        {%- set generations = [] -%}
        {%- if '_landing_generation' in columns -%}
            {%- set generations = run_query(
                'select (select max(_landing_generation) from ' ~ this ~ '), (select max(_landing_generation) from ' ~ source_relation ~ ')'
            ).rows[0] | list -%}
        {%- endif -%}
        {%- if generations | length == 0 or generations[0] != generations[1] -%}
            truncate table {{ this }}
        {%- else -%}
            select 1
        {%- endif -%}
    {%- else -%}
        select 1
    {%- endif -%}
{% endmacro %}


{#- Filter of the raw rows to read: in an incremental run, those of files this model has not read. -#}
{% macro undelivered_files_only() -%}
    {%- if is_incremental() %}
    where _source_file not in (select distinct earlier._source_file from {{ this }} as earlier)
    {%- endif -%}
{%- endmacro %}


{#- duplicate_rank over the rows read plus, in an incremental run, the rows of this model with the same key
    (null included, as duplicate_rank partitions it): they come from files that sort earlier, so the sum is
    the rank a full refresh gives. -#}
{% macro delivered_duplicate_rank(rows, key) -%}
    {{ duplicate_rank(rows ~ '.' ~ key) }}
    {%- if is_incremental() %}
    + coalesce((select count(*) from {{ this }} as earlier where earlier.{{ key }} is not distinct from {{ rows }}.{{ key }}), 0)
    {%- endif -%}
{%- endmacro %}
