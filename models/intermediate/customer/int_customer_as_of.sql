{#- The date every feature and prediction is computed as of: var as_of_date when given (replay
    history, back-test predictions), else the day of the latest purchase in the data. One row. -#}
with

purchases as (
    select * from {{ ref('int_commerce_purchases_attributed') }}
),

latest as (
    select cast(max(purchased_at) as date) as latest_purchase_date
    from purchases
),

as_of as (
    select
        {% if var('as_of_date', none) %}
            cast('{{ var("as_of_date") }}' as date)
        {% else %}
            latest_purchase_date
        {% endif %} as as_of_date
    from latest
)

select * from as_of
