{#- What we know about each known person as of the as-of date: commerce (orders and store purchases,
    revenue without returns, recency), engagement (web sessions, email opens and clicks) and service
    (tickets, open tickets, satisfaction). Nothing after the as-of date counts. -#}
with

as_of as (
    select * from {{ ref('int_customer_as_of') }}
),

person_records as (
    select
        assignments.person_id,
        records.source_system,
        records.created_at,
        row_number() over (
            partition by assignments.person_id
            order by case when records.source_system = 'web' then 1 else 0 end asc, records.created_at asc, records.record_key asc
        ) as record_rank
    from {{ ref('int_identity_persons_assigned') }} as assignments
    inner join {{ ref('int_identity_records_unioned') }} as records on assignments.record_key = records.record_key
    where not assignments.is_anonymous_person
),

persons as (
    select
        person_id,
        min(created_at) as first_seen_at,
        min(case when record_rank = 1 and source_system <> 'web' then source_system end) as acquisition_source
    from person_records
    group by person_id
),

purchases as (
    select purchases.*
    from {{ ref('int_commerce_purchases_attributed') }} as purchases
    cross join as_of
    where purchases.person_id is not null and cast(purchases.purchased_at as date) <= as_of.as_of_date
),

web_events as (
    select web_events.*
    from {{ ref('int_identity_web_events_attributed') }} as web_events
    cross join as_of
    where cast(web_events.occurred_at as date) <= as_of.as_of_date
),

email_events as (
    select
        contact_points.person_id,
        email_events.event_type
    from {{ ref('stg_marketing__email_events') }} as email_events
    inner join {{ ref('int_customer_contact_points') }} as contact_points
        on contact_points.identifier_type = 'email' and email_events.email_canonical = contact_points.identifier_value
    cross join as_of
    where cast(email_events.occurred_at as date) <= as_of.as_of_date
),

tickets as (
    select
        assignments.person_id,
        tickets.ticket_status,
        tickets.satisfaction_score
    from {{ ref('stg_support__tickets') }} as tickets
    inner join {{ ref('int_identity_persons_assigned') }} as assignments
        on 'support_ticket:' || tickets.ticket_id = assignments.record_key
    cross join as_of
    where cast(tickets.created_at as date) <= as_of.as_of_date
),

commerce as (
    select
        person_id,
        min(purchased_at) as first_purchase_at,
        max(purchased_at) as last_purchase_at,
        count(*) as purchase_count,
        count(case when channel = 'web' then 1 end) as web_order_count,
        count(case when channel = 'store' then 1 end) as store_transaction_count,
        count(distinct cast(purchased_at as date)) as purchase_days,
        sum(case when not is_returned then amount else 0 end) as total_revenue,
        min(case when purchase_rank = 1 then channel end) as first_purchase_channel
    from (
        select
            *,
            row_number() over (partition by person_id order by purchased_at asc, purchase_id asc) as purchase_rank
        from purchases
    ) as ranked
    group by person_id
),

engagement as (
    {#- Per session first, then per person: a count of sessions instead of a count distinct over 16M events at
        1M people (1.4 s against 2.0 s). -#}
    select
        person_id,
        count(web_session_id) as web_session_count,
        max(last_seen_at) as last_seen_at,
        max(uses_app) = 1 as uses_app
    from (
        select
            person_id,
            web_session_id,
            max(occurred_at) as last_seen_at,
            max(case when device_type = 'app' then 1 else 0 end) as uses_app
        from web_events
        where person_id is not null
        group by person_id, web_session_id
    ) as sessions
    group by person_id
),

email_engagement as (
    select
        person_id,
        count(case when event_type = 'sent' then 1 end) as emails_sent,
        count(case when event_type = 'open' then 1 end) as email_opens,
        count(case when event_type = 'click' then 1 end) as email_clicks
    from email_events
    group by person_id
),

service as (
    select
        person_id,
        count(*) as ticket_count,
        count(case when ticket_status = 'open' then 1 end) as open_ticket_count,
        avg(satisfaction_score) as average_satisfaction
    from tickets
    group by person_id
),

features as (
    select
        persons.person_id,
        as_of.as_of_date,
        persons.first_seen_at,
        persons.acquisition_source,
        commerce.first_purchase_channel,
        commerce.first_purchase_at,
        commerce.last_purchase_at,
        coalesce(commerce.purchase_count, 0) as purchase_count,
        coalesce(commerce.web_order_count, 0) as web_order_count,
        coalesce(commerce.store_transaction_count, 0) as store_transaction_count,
        coalesce(commerce.purchase_days, 0) as purchase_days,
        cast(coalesce(commerce.total_revenue, 0) as decimal(18, 2)) as total_revenue,
        cast(commerce.total_revenue / nullif(commerce.purchase_count, 0) as decimal(18, 2)) as average_order_value,
        cast({{ days_between('cast(commerce.last_purchase_at as date)', 'as_of.as_of_date') }} as bigint) as days_since_last_purchase,
        {{ days_between('cast(commerce.first_purchase_at as date)', 'as_of.as_of_date') }} as days_since_first_purchase,
        coalesce(engagement.web_session_count, 0) as web_session_count,
        engagement.last_seen_at,
        coalesce(engagement.uses_app, false) as uses_app,
        coalesce(email_engagement.emails_sent, 0) as emails_sent,
        coalesce(email_engagement.email_opens, 0) as email_opens,
        coalesce(email_engagement.email_clicks, 0) as email_clicks,
        coalesce(service.ticket_count, 0) as ticket_count,
        coalesce(service.open_ticket_count, 0) as open_ticket_count,
        service.average_satisfaction
    from persons
    cross join as_of
    left join commerce on persons.person_id = commerce.person_id
    left join engagement on persons.person_id = engagement.person_id
    left join email_engagement on persons.person_id = email_engagement.person_id
    left join service on persons.person_id = service.person_id
)

select * from features
