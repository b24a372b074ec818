{#- A view, like the delivered tables' stg_ models: its base_ model is already a table, and an incremental
    one, so a daily run with an unchanged export rewrites nothing here either. -#}
{{ config(materialized='view') }}

with

tickets as (
    select * from {{ ref('base_support__tickets') }}
),

usable as (
    select
        ticket_id,
        email,
        email_canonical,
        phone_e164,
        customer_name,
        customer_name_normalised,
        contact_channel,
        category,
        ticket_status,
        satisfaction_score,
        created_at,
        resolved_at,
        data_issues,
        _source_file,
        _source_row
    from tickets
    where quarantine_reason is null
)

select * from usable
