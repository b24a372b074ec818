{{ config(
    materialized='incremental',
    on_schema_change='append_new_columns',
    pre_hook="{{ restart_if_relanded() }}",
) }}

{#- Incremental: reads the raw rows of delivery files it has not read (macros/staging/delivered_increments.sql). -#}
with

source as (
    select * from {{ source('shop', 'orders') }}
    {{ undelivered_files_only() }}
),

typed as (
    select
        _source_file,
        _source_row,
        _landing_generation,
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('account_id') }} as shop_account_id,
        {{ clean_text('email') }} as email_raw,
        {{ normalise_email('email') }} as email,
        {{ parse_timestamp('ordered_at') }} as ordered_at,
        lower({{ clean_text('status') }}) as order_status,
        upper({{ clean_text('currency') }}) as currency_code,
        {{ parse_amount('total_amount') }} as total_amount,
        {{ clean_text('total_amount') }} as total_amount_raw,
        upper({{ clean_text('shipping_postcode') }}) as shipping_postcode
    from source
),

checked as (
    select
        typed.*,
        {{ canonical_email('email') }} as email_canonical,
        {{ delivered_duplicate_rank('typed', 'order_id') }} as key_rank
    from typed
),

reasoned as (
    select
        *,
        {{ reasons([
            ('order_id is null', 'missing order_id'),
            ('order_id is not null and key_rank > 1', 'duplicate order_id: the first row is kept'),
            ('ordered_at is null', 'missing or unparseable ordered_at'),
            ('total_amount is null', 'missing or unparseable total_amount'),
            ('total_amount < 0', 'negative total_amount'),
            ('shop_account_id is null and email is null', 'guest order without a valid email'),
        ]) }} as quarantine_reason,
        {{ reasons([
            ('email_raw is not null and email is null', 'invalid email'),
        ]) }} as data_issues
    from checked
)

select * from reasoned
