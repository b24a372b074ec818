{#- Every staged record that describes a person, in one shape. The thin identity slice groups these
    by canonical email; the identity-resolution work replaces the grouping, not this union. -#}
with

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
),

accounts as (
    select * from {{ ref('stg_shop__accounts') }}
),

orders as (
    select * from {{ ref('stg_shop__orders') }}
),

tickets as (
    select * from {{ ref('stg_support__tickets') }}
),

unioned as (
    select
        'crm_contact:' || crm_contact_id as record_key,
        'crm' as source_system,
        crm_contact_id as source_record_id,
        email_canonical,
        email,
        phone_e164,
        first_name,
        last_name,
        birth_date,
        city,
        country_code,
        updated_at as observed_at
    from contacts

    union all

    select
        'shop_account:' || shop_account_id as record_key,
        'shop' as source_system,
        shop_account_id as source_record_id,
        email_canonical,
        email,
        phone_e164,
        first_name,
        last_name,
        cast(null as date) as birth_date,
        cast(null as varchar) as city,
        cast(null as varchar) as country_code,
        created_at as observed_at
    from accounts

    union all

    select
        'guest_order:' || order_id as record_key,
        'shop' as source_system,
        order_id as source_record_id,
        email_canonical,
        email,
        cast(null as varchar) as phone_e164,
        cast(null as varchar) as first_name,
        cast(null as varchar) as last_name,
        cast(null as date) as birth_date,
        cast(null as varchar) as city,
        cast(null as varchar) as country_code,
        ordered_at as observed_at
    from orders
    where is_guest_order

    union all

    select
        'support_ticket:' || ticket_id as record_key,
        'support' as source_system,
        ticket_id as source_record_id,
        email_canonical,
        email,
        phone_e164,
        customer_name as first_name,
        cast(null as varchar) as last_name,
        cast(null as date) as birth_date,
        cast(null as varchar) as city,
        cast(null as varchar) as country_code,
        created_at as observed_at
    from tickets
)

select * from unioned
