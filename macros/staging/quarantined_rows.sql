{#- A source's quarantine model: the quarantined rows of its base_ models (`branches`), in the common quarantine
    shape, with the raw row as JSON. Each branch is a dict: `base` (base_ model), `table` ('<source>.<table>'),
    `key` (the key column) and `appended` (true for the append-only facts, whose base_ model only ever appends).

    The JSON is built here, from the landed raw table, for the quarantined rows only: building it in the base
    model cost a JSON object per raw row (30M web events at 1M people) to keep a few thousand.

    Incremental on DuckDB (a table on Spark, macro upsert_materialization). A quarantined row of an appended
    branch never changes while its raw table keeps its landing generation (the base_ model appends, and its
    earlier rows keep their duplicate ranks), so a run adds the base_ model's quarantined rows it does not hold.
    The pre-hook first forgets a branch's rows when the raw table was landed again, and always forgets the rows of
    the other branches (records that change: a newer version can move a row in or out of the quarantine), which
    are then read in full. At 1M people the web events' quarantine took 1.6 s as a rebuild and 0.4 s so. -#}
{% macro quarantine_of(branches) %}
    {{ config(
        materialized=upsert_materialization(),
        on_schema_change='append_new_columns',
        pre_hook="{{ forget_requarantined_rows(" ~ (branches | tojson) ~ ") }}",
    ) }}
    {%- for branch in branches %}
        {{ quarantined_rows(branch) }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
{% endmacro %}


{#- Pre-hook of a quarantine model (quarantine_of): delete the stored rows the run will read again. A table from
    before the _landing_generation column is emptied. -#}
{% macro forget_requarantined_rows(branches) %}
    {%- if not (execute and is_incremental()) -%}
        select 1
    {%- elif not stored_table_has_column('_landing_generation') -%}
        truncate table {{ this }}
    {%- else -%}
        delete from {{ this }}
        where
            {% for branch in branches -%}
                {% if not loop.first %}or {% endif -%}
                (source_table = '{{ branch.table }}'
                {%- if branch.appended %}
                    and _landing_generation is distinct from (select max(_landing_generation) from {{ ref(branch.base) }})
                {%- endif -%}
                )
            {% endfor %}
    {%- endif -%}
{% endmacro %}


{#- The quarantined rows of one branch of quarantine_of: in an incremental run, for an appended branch, only those
    the model does not hold. The raw rows are narrowed to the same rows' numbers before they are joined. -#}
{% macro quarantined_rows(branch) -%}
    {%- set source_name, table_name = branch.table.split('.') -%}
    {%- set only_new = branch.appended and stored_table_has_column('_landing_generation') -%}
    {%- set base_rows -%}
        select * from {{ ref(branch.base) }} as base
        where
            base.quarantine_reason is not null
            {%- if only_new %}
                and not exists (
                    select 1 from {{ this }} as stored
                    where
                        stored.source_table = '{{ branch.table }}'
                        and stored.source_file = base._source_file
                        and stored.source_row = base._source_row
                )
            {%- endif %}
    {%- endset %}
    select
        '{{ branch.table }}' as source_table,
        quarantined._source_file as source_file,
        quarantined._source_row as source_row,
        quarantined.{{ branch.key }} as record_id,
        quarantined.quarantine_reason,
        raw_rows.raw_record,
        {{ 'quarantined._landing_generation' if branch.appended else 'cast(null as string)' }} as _landing_generation
    from ({{ base_rows }}) as quarantined
    left join (
        select
            _source_file,
            _source_row,
            {{ raw_record_json(source_name, table_name) }} as raw_record
        from {{ source(source_name, table_name) }}
        where _source_row in (select new_rows._source_row from ({{ base_rows }}) as new_rows)
    ) as raw_rows
        on quarantined._source_file = raw_rows._source_file and quarantined._source_row = raw_rows._source_row
{%- endmacro %}
