{#- No row is silently lost: for one raw table, raw rows = staged rows + quarantined rows.
    Returns one row (the three counts) when the books do not balance. -#}
{% test reconciles_with_raw(model, raw_relation, quarantine, source_table) %}

with

raw_rows as (
    select count(*) as row_count from {{ raw_relation }}
),

staged_rows as (
    select count(*) as row_count from {{ model }}
),

quarantined_rows as (
    select count(*) as row_count from {{ quarantine }}
    where source_table = '{{ source_table }}'
),

balance as (
    select
        raw_rows.row_count as raw_row_count,
        staged_rows.row_count as staged_row_count,
        quarantined_rows.row_count as quarantined_row_count
    from raw_rows
    cross join staged_rows
    cross join quarantined_rows
)

select * from balance
where raw_row_count != staged_row_count + quarantined_row_count

{% endtest %}
