{#- Every purchase — web order or store transaction — with the person it belongs to: a web order
    through its shop account or, for a guest, through its own guest-order record; a store
    transaction through the loyalty card's CRM contact. A store purchase without a card has no
    person (it still counts in store revenue). Returned orders are kept and flagged. -#}
with

orders as (
    select * from {{ ref('stg_shop__orders') }}
),

transactions as (
    select * from {{ ref('stg_pos__transactions') }}
),

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
),

assignments as (
    select * from {{ ref('int_identity_persons_assigned') }}
),

card_persons as (
    select
        contacts.loyalty_card_id,
        min(assignments.person_id) as person_id
    from contacts
    inner join assignments on 'crm_contact:' || contacts.crm_contact_id = assignments.record_key
    where contacts.loyalty_card_id is not null
    group by contacts.loyalty_card_id
),

web_purchases as (
    select
        'order:' || orders.order_id as purchase_id,
        coalesce(account_owners.person_id, guests.person_id) as person_id,
        'web' as channel,
        orders.ordered_at as purchased_at,
        orders.total_amount as amount,
        orders.order_status = 'returned' as is_returned
    from orders
    left join assignments as account_owners on 'shop_account:' || orders.shop_account_id = account_owners.record_key
    left join assignments as guests on 'guest_order:' || orders.order_id = guests.record_key
),

store_purchases as (
    select
        'pos:' || transactions.pos_transaction_id as purchase_id,
        card_persons.person_id,
        'store' as channel,
        transactions.transacted_at as purchased_at,
        transactions.total_amount as amount,
        false as is_returned
    from transactions
    left join card_persons on transactions.loyalty_card_id = card_persons.loyalty_card_id
),

purchases as (
    select * from web_purchases
    union all
    select * from store_purchases
)

select * from purchases
