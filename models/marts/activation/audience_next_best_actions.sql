{#- The next best action of each person, ready for the marketing tool: only persons with an action,
    and only on its channel when that channel is still consented and reachable (checked again through
    consented_audience, so an audience can never be looser than the consent state). -#}
with

customers as (
    select
        person_id,
        as_of_date,
        first_name,
        segment,
        churn_band,
        clv_band,
        next_best_action,
        next_best_action_channel,
        next_best_action_reason
    from {{ ref('customer_360') }}
    where next_best_action is not null
),

audience as (
    {{ consented_audience('customers', 'marketing', channel_column='next_best_action_channel') }}
)

select * from audience
