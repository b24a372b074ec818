{{ config(
    materialized='incremental',
    on_schema_change='append_new_columns',
    pre_hook="{{ restart_if_relanded() }}",
) }}

{#- Incremental: reads the raw rows of delivery files it has not read (macros/staging/delivered_increments.sql). -#}
with

source as (
    select * from {{ source('pos', 'transactions') }}
    {{ undelivered_files_only() }}
),

typed as (
    select
        _source_file,
        _source_row,
        _landing_generation,
        {{ clean_text('transaction_id') }} as pos_transaction_id,
        upper({{ clean_text('store_id') }}) as store_id,
        {{ clean_text('loyalty_card_id') }} as loyalty_card_id,
        {{ parse_timestamp('transacted_at') }} as transacted_at,
        {{ parse_amount('total_amount') }} as total_amount,
        lower({{ clean_text('payment_method') }}) as payment_method
    from source
),

checked as (
    select
        typed.*,
        {{ delivered_duplicate_rank('typed', 'pos_transaction_id') }} as key_rank
    from typed
),

reasoned as (
    select
        *,
        {{ reasons([
            ('pos_transaction_id is null', 'missing transaction_id'),
            ('pos_transaction_id is not null and key_rank > 1', 'duplicate transaction_id: the first row is kept'),
            ('transacted_at is null', 'missing or unparseable transacted_at'),
            ('total_amount is null', 'missing or unparseable total_amount'),
            ('total_amount < 0', 'negative total_amount'),
        ]) }} as quarantine_reason,
        cast(null as string) as data_issues
    from checked
)

select * from reasoned
