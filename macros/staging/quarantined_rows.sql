{#- The quarantined rows of one base model, in the common quarantine shape. -#}
{% macro quarantined_rows(base_model, source_table, key_column) -%}
    select
        '{{ source_table }}' as source_table,
        _source_file as source_file,
        _source_row as source_row,
        {{ key_column }} as record_id,
        quarantine_reason,
        raw_record
    from {{ ref(base_model) }}
    where quarantine_reason is not null
{%- endmacro %}
