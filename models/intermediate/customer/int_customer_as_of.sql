{#- The date every feature and prediction is computed as of: var as_of_date when given (replay
    history, back-test predictions), else the day of the latest purchase in the data. A company that has
    connected no purchases yet (only its CRM, say) gets the day of its latest record instead, and an empty
    warehouse the run's date, so the build never carries a null as-of date into the marts. One row. -#}
with

purchases as (
    select * from {{ ref('int_commerce_purchases_attributed') }}
),

records as (
    select * from {{ ref('int_identity_records_unioned') }}
),

latest as (
    select
        (select cast(max(purchases.purchased_at) as date) from purchases) as latest_purchase_date,
        (select cast(max(records.created_at) as date) from records) as latest_record_date
),

as_of as (
    select
        {% if var('as_of_date', none) %}
            cast('{{ var("as_of_date") }}' as date)
        {% else %}
            coalesce(latest_purchase_date, latest_record_date, current_date)
        {% endif %} as as_of_date
    from latest
)

select * from as_of
