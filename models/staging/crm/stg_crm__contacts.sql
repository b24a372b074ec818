{#- A view, like the delivered tables' stg_ models: its base_ model is already a table, and an incremental
    one, so a daily run with an unchanged export rewrites nothing here either. -#}
{{ config(materialized='view') }}

with

contacts as (
    select * from {{ ref('base_crm__contacts') }}
),

usable as (
    select
        crm_contact_id,
        first_name,
        first_name_normalised,
        last_name,
        last_name_normalised,
        email,
        email_canonical,
        phone_e164,
        birth_date,
        address_line,
        postcode,
        city,
        country_code,
        loyalty_card_id,
        created_at,
        updated_at,
        data_issues,
        _source_file,
        _source_row
    from contacts
    where quarantine_reason is null
)

select * from usable
