{#- Is CLV better for customers acquired through one channel than another? Customers by the source
    of their first record and the channel of their first purchase, with predicted and realised value. -#}
with

customers as (
    select * from {{ ref('customer_360') }}
    where purchase_count > 0
),

by_channel as (
    select
        acquisition_source,
        first_purchase_channel,
        count(*) as customers,
        round(avg(clv), 2) as average_clv,
        round(median(clv), 2) as median_clv,
        round(avg(total_revenue), 2) as average_revenue_to_date,
        round(avg(probability_alive), 3) as average_probability_alive
    from customers
    group by acquisition_source, first_purchase_channel
)

select * from by_channel
order by average_clv desc
