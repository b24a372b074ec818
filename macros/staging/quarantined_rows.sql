{#- The quarantined rows of one base model, in the common quarantine shape, with the raw row as JSON.

    The JSON is built here, from the landed raw table, for the quarantined rows only: building it in the
    base model cost a JSON object per raw row (30M web events at 1M people) to keep a few thousand. -#}
{% macro quarantined_rows(base_model, source_table, key_column) -%}
    {%- set source_name, table_name = source_table.split('.') -%}
    select
        '{{ source_table }}' as source_table,
        quarantined._source_file as source_file,
        quarantined._source_row as source_row,
        quarantined.{{ key_column }} as record_id,
        quarantined.quarantine_reason,
        raw_rows.raw_record
    from {{ ref(base_model) }} as quarantined
    left join (
        select
            _source_file,
            _source_row,
            {{ raw_record_json(source_name, table_name) }} as raw_record
        from {{ source(source_name, table_name) }}
        where _source_row in (select _source_row from {{ ref(base_model) }} where quarantine_reason is not null)
    ) as raw_rows
        on quarantined._source_file = raw_rows._source_file and quarantined._source_row = raw_rows._source_row
    where quarantined.quarantine_reason is not null
{%- endmacro %}
