{#- One row per known person: the golden record's profile (survivorship rules, with the winning
    source beside each attribute), how many records were stitched into the person, and commerce:
    web orders through the account or the guest email's record, store transactions through the
    loyalty card of a CRM contact. Anonymous visitors (cookies only) are not customers yet. -#}
with

assignments as (
    select * from {{ ref('int_identity_persons_assigned') }}
),

golden_records as (
    select * from {{ ref('int_identity_golden_records') }}
),

records as (
    select * from {{ ref('int_identity_records_unioned') }}
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

record_counts as (
    select
        assignments.person_id,
        count(*) as record_count,
        count(distinct assignments.source_system) as source_count,
        min(records.created_at) as first_seen_at
    from assignments
    inner join records on assignments.record_key = records.record_key
    where not assignments.is_anonymous_person
    group by assignments.person_id
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
        golden_records.person_id,
        golden_records.first_name,
        golden_records.last_name,
        golden_records.email,
        golden_records.email_source,
        golden_records.phone_e164,
        golden_records.phone_e164_source,
        golden_records.birth_date,
        golden_records.postcode,
        golden_records.city,
        golden_records.country_code,
        record_counts.record_count,
        record_counts.source_count,
        record_counts.first_seen_at,
        coalesce(commerce.purchase_count, 0) as purchase_count,
        coalesce(commerce.web_order_count, 0) as web_order_count,
        coalesce(commerce.store_transaction_count, 0) as store_transaction_count,
        cast(coalesce(commerce.total_revenue, 0) as decimal(18, 2)) as total_revenue,
        commerce.first_purchase_at,
        commerce.last_purchase_at
    from golden_records
    inner join record_counts on golden_records.person_id = record_counts.person_id
    left join commerce on golden_records.person_id = commerce.person_id
)

select * from final
