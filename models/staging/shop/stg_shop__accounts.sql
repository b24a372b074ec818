{#- A view, like the delivered tables' stg_ models: its base_ model is already a table, and an incremental
    one, so a daily run with an unchanged export rewrites nothing here either. -#}
{{ config(materialized='view') }}

with

accounts as (
    select * from {{ ref('base_shop__accounts') }}
),

usable as (
    select
        shop_account_id,
        email,
        email_canonical,
        first_name,
        first_name_normalised,
        last_name,
        last_name_normalised,
        phone_e164,
        postcode,
        created_at,
        data_issues,
        _source_file,
        _source_row
    from accounts
    where quarantine_reason is null
)

select * from usable
