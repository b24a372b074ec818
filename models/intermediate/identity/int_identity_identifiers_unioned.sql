{#- Every identifier a record carries, in one long, typed table: the same string as an email and as
    an account id are different nodes. Values are already normalised by staging (canonical email,
    E.164 phone, trimmed keys). A cookie carries the accounts that logged in on it and the emails
    typed into its forms, each first observed at the earliest such event. -#}
with

records as (
    select * from {{ ref('int_identity_records_unioned') }}
),

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
),

cookie_activity as (
    select * from {{ ref('int_identity_cookie_activity') }}
),

record_identifiers as (
    select
        record_key,
        source_system,
        'email' as identifier_type,
        email_canonical as identifier_value,
        created_at as observed_at
    from records
    where email_canonical is not null and record_type <> 'web_cookie'
    union all
    select
        record_key,
        source_system,
        'phone' as identifier_type,
        phone_e164 as identifier_value,
        created_at as observed_at
    from records
    where phone_e164 is not null
    union all
    select
        record_key,
        source_system,
        case record_type when 'web_cookie' then 'cookie_id' else record_type || '_id' end as identifier_type,
        source_record_id as identifier_value,
        created_at as observed_at
    from records
    where record_type in ('crm_contact', 'shop_account', 'web_cookie')
),

loyalty_cards as (
    select
        'crm_contact:' || crm_contact_id as record_key,
        'crm' as source_system,
        'loyalty_card_id' as identifier_type,
        loyalty_card_id as identifier_value,
        created_at as observed_at
    from contacts
    where loyalty_card_id is not null
),

cookie_identifiers as (
    select
        'web_cookie:' || cookie_id as record_key,
        'web' as source_system,
        'shop_account_id' as identifier_type,
        shop_account_id as identifier_value,
        min(first_seen_at) as observed_at
    from cookie_activity
    where shop_account_id is not null
    group by cookie_id, shop_account_id
    union all
    select
        'web_cookie:' || cookie_id as record_key,
        'web' as source_system,
        'email' as identifier_type,
        email_canonical as identifier_value,
        min(first_seen_at) as observed_at
    from cookie_activity
    where email_canonical is not null
    group by cookie_id, email_canonical
),

unioned as (
    select * from record_identifiers
    union all
    select * from loyalty_cards
    union all
    select * from cookie_identifiers
)

select * from unioned
