{{ config(
    materialized='incremental',
    on_schema_change='append_new_columns',
    pre_hook="{{ restart_if_relanded() }}",
) }}

{#- Incremental: reads the raw rows of delivery files it has not read (macros/staging/delivered_increments.sql). -#}
with

source as (
    select * from {{ source('shop', 'order_lines') }}
    {{ undelivered_files_only() }}
),

typed as (
    select
        _source_file,
        _source_row,
        _landing_generation,
        {{ clean_text('order_line_id') }} as order_line_id,
        {{ clean_text('order_id') }} as order_id,
        {{ try_cast('line_number', 'int') }} as line_number,
        {{ clean_text('sku') }} as sku,
        lower({{ clean_text('product_category') }}) as product_category,
        {{ try_cast('quantity', 'int') }} as quantity,
        {{ parse_amount('unit_price') }} as unit_price
    from source
),

checked as (
    select
        typed.*,
        {{ delivered_duplicate_rank('typed', 'order_line_id') }} as key_rank
    from typed
),

reasoned as (
    select
        *,
        {{ reasons([
            ('order_line_id is null', 'missing order_line_id'),
            ('order_line_id is not null and key_rank > 1', 'duplicate order_line_id: the first row is kept'),
            ('order_id is null', 'missing order_id'),
            ('quantity is null or quantity <= 0', 'missing or non-positive quantity'),
            ('unit_price is null', 'missing or unparseable unit_price'),
            ('unit_price < 0', 'negative unit_price'),
        ]) }} as quarantine_reason,
        cast(null as string) as data_issues
    from checked
)

select * from reasoned
