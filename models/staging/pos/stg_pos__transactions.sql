with

transactions as (
    select * from {{ ref('base_pos__transactions') }}
),

usable as (
    select
        pos_transaction_id,
        store_id,
        loyalty_card_id,
        transacted_at,
        total_amount,
        payment_method,
        _source_row
    from transactions
    where quarantine_reason is null
)

select * from usable
