{#- The date every feature and prediction is computed as of: var as_of_date when given (replay
    history, back-test predictions), else the day of the latest purchase in the data. One row. -#}
with

purchases as (
    select * from {{ ref('int_commerce_purchases_attributed') }}
),

as_of as (
    select
        {% if var('as_of_date', none) %}
            cast('{{ var("as_of_date") }}' as date)
        {% else %}
            cast(max(purchased_at) as date)
        {% endif %} as as_of_date
    from purchases
)

select * from as_of
