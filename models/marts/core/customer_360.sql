{#- One row per person. Profile attributes come from the most recently observed record that has
    them (CRM first on ties); commerce joins web orders through account or guest email and store
    transactions through the loyalty card of a CRM contact. -#}
with

records as (
    select * from {{ ref('int_identity_records_unioned') }}
),

assignments as (
    select * from {{ ref('int_identity_persons_assigned') }}
),

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
),

orders as (
    select * from {{ ref('stg_shop__orders') }}
),

transactions as (
    select * from {{ ref('stg_pos__transactions') }}
),

person_records as (
    select
        assignments.person_id,
        records.*,
        row_number() over (
            partition by assignments.person_id
            order by
                case when records.first_name is not null and records.last_name is not null then 0 else 1 end asc,
                records.observed_at desc nulls last,
                case records.source_system when 'crm' then 0 when 'shop' then 1 else 2 end asc,
                records.record_key asc
        ) as profile_rank
    from records
    inner join assignments on records.record_key = assignments.record_key
),

profiles as (
    select
        person_id,
        max(case when profile_rank = 1 then first_name end) as first_name,
        max(case when profile_rank = 1 then last_name end) as last_name,
        max(email) as email,
        max(phone_e164) as phone_e164,
        max(birth_date) as birth_date,
        max(city) as city,
        max(country_code) as country_code,
        count(*) as record_count,
        count(distinct source_system) as source_count,
        min(observed_at) as first_seen_at
    from person_records
    group by person_id
),

person_by_account as (
    select
        assignments.person_id,
        assignments.source_record_id as shop_account_id
    from assignments
    where assignments.record_key like 'shop_account:%'
),

web_order_persons as (
    select
        orders.order_id,
        orders.ordered_at,
        orders.total_amount,
        coalesce(
            person_by_account.person_id,
            guest.person_id
        ) as person_id
    from orders
    left join person_by_account on orders.shop_account_id = person_by_account.shop_account_id
    left join assignments as guest on 'guest_order:' || orders.order_id = guest.record_key
),

store_persons as (
    select
        transactions.pos_transaction_id,
        transactions.transacted_at,
        transactions.total_amount,
        assignments.person_id
    from transactions
    inner join contacts on transactions.loyalty_card_id = contacts.loyalty_card_id
    inner join assignments on 'crm_contact:' || contacts.crm_contact_id = assignments.record_key
),

purchases as (
    select
        person_id,
        ordered_at as purchased_at,
        total_amount,
        'web' as channel
    from web_order_persons
    union all
    select
        person_id,
        transacted_at as purchased_at,
        total_amount,
        'store' as channel
    from store_persons
),

commerce as (
    select
        person_id,
        count(*) as purchase_count,
        count(case when channel = 'web' then 1 end) as web_order_count,
        count(case when channel = 'store' then 1 end) as store_transaction_count,
        sum(total_amount) as total_revenue,
        min(purchased_at) as first_purchase_at,
        max(purchased_at) as last_purchase_at
    from purchases
    where person_id is not null
    group by person_id
),

final as (
    select
        profiles.person_id,
        profiles.first_name,
        profiles.last_name,
        profiles.email,
        profiles.phone_e164,
        profiles.birth_date,
        profiles.city,
        profiles.country_code,
        profiles.record_count,
        profiles.source_count,
        profiles.first_seen_at,
        coalesce(commerce.purchase_count, 0) as purchase_count,
        coalesce(commerce.web_order_count, 0) as web_order_count,
        coalesce(commerce.store_transaction_count, 0) as store_transaction_count,
        cast(coalesce(commerce.total_revenue, 0) as decimal(18, 2)) as total_revenue,
        commerce.first_purchase_at,
        commerce.last_purchase_at
    from profiles
    left join commerce on profiles.person_id = commerce.person_id
)

select * from final
