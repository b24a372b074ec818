{#- A person without profiling permission has no prediction, score, segment, lifecycle stage or next
    best action in customer_360, and no row at all in int_customer_predictions (the model never saw
    their data); a profiled person has no withheld reason. -#}
with

customers as (
    select * from {{ ref('customer_360') }}
),

permissions as (
    select * from {{ ref('int_consent_purpose_permissions') }}
    where purpose = 'profiling'
),

predictions as (
    select * from {{ ref('int_customer_predictions') }}
),

scored_without_consent as (
    select
        customers.person_id,
        'scored in customer_360' as problem
    from customers
    left join permissions on customers.person_id = permissions.person_id
    where
        not coalesce(permissions.is_permitted, false)
        and (
            customers.profiling_withheld_reason is null
            or customers.probability_alive is not null
            or customers.clv is not null
            or customers.churn_probability is not null
            or customers.recency_score is not null
            or customers.segment is not null
            or customers.lifecycle_stage is not null
            or customers.next_best_action is not null
        )
    union all
    select
        predictions.person_id,
        'fitted in int_customer_predictions' as problem
    from predictions
    left join permissions on predictions.person_id = permissions.person_id
    where not coalesce(permissions.is_permitted, false)
    union all
    select
        customers.person_id,
        'profiled but marked withheld' as problem
    from customers
    inner join permissions on customers.person_id = permissions.person_id
    where permissions.is_permitted and customers.profiling_withheld_reason is not null
)

select * from scored_without_consent
