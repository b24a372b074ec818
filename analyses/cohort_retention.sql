{#- Cohort retention: of the customers who first bought in a month, the share who bought again in
    each later month. Read with `dbt compile` and run against the warehouse. -#}
with

purchases as (
    select * from {{ ref('int_commerce_purchases_attributed') }}
    where person_id is not null
),

first_purchases as (
    select
        person_id,
        date_trunc('month', min(purchased_at)) as cohort_month
    from purchases
    group by person_id
),

activity as (
    select distinct
        first_purchases.cohort_month,
        purchases.person_id,
        date_diff('month', first_purchases.cohort_month, date_trunc('month', purchases.purchased_at)) as months_since_first
    from purchases
    inner join first_purchases on purchases.person_id = first_purchases.person_id
),

cohort_sizes as (
    select
        cohort_month,
        count(*) as customers
    from first_purchases
    group by cohort_month
),

retention as (
    select
        activity.cohort_month,
        activity.months_since_first,
        count(*) as active_customers,
        round(count(*) / max(cohort_sizes.customers), 3) as retention_rate
    from activity
    inner join cohort_sizes on activity.cohort_month = cohort_sizes.cohort_month
    group by activity.cohort_month, activity.months_since_first
)

select * from retention
order by cohort_month, months_since_first
