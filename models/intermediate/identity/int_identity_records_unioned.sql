{#- Every staged record that describes a person, in one shape: the nodes of the identity graph that
    carry attributes. Web cookies are records too (a device), so anonymous browsing can be stitched
    to the person who logged in on it. Support tickets carry one free-typed name, split at the first
    space into first and last name. -#}
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

cookie_activity as (
    select * from {{ ref('int_identity_cookie_activity') }}
),

cookies as (
    select
        cookie_id,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at
    from cookie_activity
    group by cookie_id
),

unioned as (
    select
        'crm_contact:' || crm_contact_id as record_key,
        'crm' as source_system,
        'crm_contact' as record_type,
        crm_contact_id as source_record_id,
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
        created_at,
        updated_at as observed_at
    from contacts

    union all

    select
        'shop_account:' || shop_account_id as record_key,
        'shop' as source_system,
        'shop_account' as record_type,
        shop_account_id as source_record_id,
        first_name,
        first_name_normalised,
        last_name,
        last_name_normalised,
        email,
        email_canonical,
        phone_e164,
        cast(null as date) as birth_date,
        cast(null as string) as address_line,
        postcode,
        cast(null as string) as city,
        cast(null as string) as country_code,
        created_at,
        created_at as observed_at
    from accounts

    union all

    select
        'guest_order:' || order_id as record_key,
        'shop' as source_system,
        'guest_order' as record_type,
        order_id as source_record_id,
        cast(null as string) as first_name,
        cast(null as string) as first_name_normalised,
        cast(null as string) as last_name,
        cast(null as string) as last_name_normalised,
        email,
        email_canonical,
        cast(null as string) as phone_e164,
        cast(null as date) as birth_date,
        cast(null as string) as address_line,
        shipping_postcode as postcode,
        cast(null as string) as city,
        cast(null as string) as country_code,
        ordered_at as created_at,
        ordered_at as observed_at
    from orders
    where is_guest_order

    union all

    select
        'support_ticket:' || ticket_id as record_key,
        'support' as source_system,
        'support_ticket' as record_type,
        ticket_id as source_record_id,
        {{ split_part_of('customer_name', 1) }} as first_name,
        {{ split_part_of('customer_name_normalised', 1) }} as first_name_normalised,
        nullif(trim(substr(customer_name, length({{ split_part_of('customer_name', 1) }}) + 1)), '') as last_name,
        nullif(
            trim(substr(customer_name_normalised, length({{ split_part_of('customer_name_normalised', 1) }}) + 1)), ''
        ) as last_name_normalised,
        email,
        email_canonical,
        phone_e164,
        cast(null as date) as birth_date,
        cast(null as string) as address_line,
        cast(null as string) as postcode,
        cast(null as string) as city,
        cast(null as string) as country_code,
        created_at,
        created_at as observed_at
    from tickets

    union all

    select
        'web_cookie:' || cookie_id as record_key,
        'web' as source_system,
        'web_cookie' as record_type,
        cookie_id as source_record_id,
        cast(null as string) as first_name,
        cast(null as string) as first_name_normalised,
        cast(null as string) as last_name,
        cast(null as string) as last_name_normalised,
        cast(null as string) as email,
        cast(null as string) as email_canonical,
        cast(null as string) as phone_e164,
        cast(null as date) as birth_date,
        cast(null as string) as address_line,
        cast(null as string) as postcode,
        cast(null as string) as city,
        cast(null as string) as country_code,
        first_seen_at as created_at,
        last_seen_at as observed_at
    from cookies
)

select * from unioned
