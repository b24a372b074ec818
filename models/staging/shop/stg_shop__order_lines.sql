with

order_lines as (
    select * from {{ ref('base_shop__order_lines') }}
),

usable as (
    select
        order_line_id,
        order_id,
        line_number,
        sku,
        product_category,
        quantity,
        unit_price,
        quantity * unit_price as line_amount,
        _source_row
    from order_lines
    where quarantine_reason is null
)

select * from usable
