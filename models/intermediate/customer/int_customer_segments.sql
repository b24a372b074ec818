{#- RFM scores, named segment, lifecycle stage, churn and CLV bands per known person.
    Scores are 1-5 from percent_rank among buyers (equal values always get equal scores, so the
    result does not depend on row order): recency scores higher for a more recent purchase,
    frequency on purchase days, monetary on revenue. Segments come from seed rfm_segments (first
    matching rule by priority); people who never bought are 'Prospect'.
    Lifecycle: prospect (never bought), new (first purchase within var new_customer_days), churned
    (P(alive) below var churned_alive_below), lapsed / at risk / active by the churn probability
    against vars churn_band_high and churn_band_medium.
    Profiling consent gates all of it (int_consent_purpose_permissions): a person without it is not
    ranked (their values do not even move other people's percentiles) and gets nulls with
    profiling_withheld_reason. -#}
with

features as (
    select * from {{ ref('int_customer_features') }}
),

predictions as (
    select * from {{ ref('int_customer_predictions') }}
),

segment_rules as (
    select * from {{ ref('rfm_segments') }}
),

profiling as (
    select * from {{ ref('int_consent_purpose_permissions') }}
    where purpose = 'profiling'
),

profiled_features as (
    select features.*
    from features
    inner join profiling on features.person_id = profiling.person_id
    where profiling.is_permitted
),

buyers as (
    select
        person_id,
        days_since_last_purchase,
        purchase_days,
        total_revenue
    from profiled_features
    where purchase_count > 0
),

ranked as (
    select
        person_id,
        1 + least(4, cast(floor(5 * percent_rank() over (order by days_since_last_purchase desc)) as int)) as recency_score,
        1 + least(4, cast(floor(5 * percent_rank() over (order by purchase_days asc)) as int)) as frequency_score,
        1 + least(4, cast(floor(5 * percent_rank() over (order by total_revenue asc)) as int)) as monetary_score
    from buyers
),

segmented as (
    select
        ranked.*,
        segment_rules.segment,
        row_number() over (partition by ranked.person_id order by segment_rules.segment_priority asc) as rule_rank
    from ranked
    left join segment_rules
        on
            ranked.recency_score between segment_rules.recency_score_min and segment_rules.recency_score_max
            and ranked.frequency_score between segment_rules.frequency_score_min and segment_rules.frequency_score_max
),

clv_ranked as (
    select
        person_id,
        percent_rank() over (order by clv asc) as clv_percentile
    from predictions
),

combined as (
    select
        features.person_id,
        cast(null as string) as profiling_withheld_reason,
        segmented.recency_score,
        segmented.frequency_score,
        segmented.monetary_score,
        case when features.purchase_count = 0 then 'Prospect' else coalesce(segmented.segment, 'Unclassified') end as segment,
        case
            when features.purchase_count = 0 then 'prospect'
            when features.days_since_first_purchase <= {{ var('new_customer_days') }} then 'new'
            when predictions.probability_alive < {{ var('churned_alive_below') }} then 'churned'
            when predictions.churn_probability >= {{ var('churn_band_high') }} then 'lapsed'
            when predictions.churn_probability >= {{ var('churn_band_medium') }} then 'at risk'
            else 'active'
        end as lifecycle_stage,
        case
            when predictions.churn_probability is null then null
            when predictions.churn_probability >= {{ var('churn_band_high') }} then 'high'
            when predictions.churn_probability >= {{ var('churn_band_medium') }} then 'medium'
            else 'low'
        end as churn_band,
        case
            when clv_ranked.clv_percentile is null then null
            when clv_ranked.clv_percentile >= 0.8 then 'high'
            when clv_ranked.clv_percentile >= 0.4 then 'medium'
            else 'low'
        end as clv_band
    from profiled_features as features
    left join segmented on features.person_id = segmented.person_id and segmented.rule_rank = 1
    left join predictions on features.person_id = predictions.person_id
    left join clv_ranked on features.person_id = clv_ranked.person_id
),

withheld as (
    select
        features.person_id,
        coalesce(profiling.withheld_reason, 'no profiling consent recorded') as profiling_withheld_reason,
        cast(null as int) as recency_score,
        cast(null as int) as frequency_score,
        cast(null as int) as monetary_score,
        cast(null as string) as segment,
        cast(null as string) as lifecycle_stage,
        cast(null as string) as churn_band,
        cast(null as string) as clv_band
    from features
    left join profiling on features.person_id = profiling.person_id
    where not coalesce(profiling.is_permitted, false)
),

segments as (
    select * from combined
    union all
    select * from withheld
)

select * from segments
