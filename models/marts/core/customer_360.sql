{#- One row per known person (anonymous visitors excluded), as of the as-of date: the golden-record
    profile with the source of each contact point, consent per purpose and channel (deny by default),
    commerce, engagement and service, predictions (CLV, churn), segment, lifecycle stage and the next
    best action. -#}
{%- set consent_columns = [] -%}
{%- for purpose in ['marketing', 'profiling', 'personalisation'] -%}
    {%- for channel in ['email', 'sms', 'phone', 'push'] -%}
        {%- do consent_columns.append((purpose, channel, 'has_' ~ purpose ~ '_consent_' ~ channel)) -%}
    {%- endfor -%}
{%- endfor -%}
with

golden_records as (
    select * from {{ ref('int_identity_golden_records') }}
),

assignments as (
    select * from {{ ref('int_identity_persons_assigned') }}
),

features as (
    select * from {{ ref('int_customer_features') }}
),

predictions as (
    select * from {{ ref('int_customer_predictions') }}
),

segments as (
    select * from {{ ref('int_customer_segments') }}
),

actions as (
    select * from {{ ref('int_customer_next_best_actions') }}
),

consent as (
    select * from {{ ref('int_consent_state') }}
),

record_counts as (
    select
        person_id,
        count(*) as record_count,
        count(distinct source_system) as source_count
    from assignments
    where not is_anonymous_person
    group by person_id
),

consent_wide as (
    {#- Granted cells only (2.8M of the 12.4M at 1M people): a person without one gets false everywhere below. -#}
    select
        person_id,
        {% for purpose, channel, column in consent_columns %}
            max(case when purpose = '{{ purpose }}' and channel = '{{ channel }}' and is_granted then 1 else 0 end) = 1 as {{ column }}
            {%- if not loop.last %},{% endif %}
        {% endfor %}
    from consent
    where is_granted
    group by person_id
),

final as (
    select
        golden_records.person_id,
        features.as_of_date,
        golden_records.first_name,
        golden_records.last_name,
        golden_records.email,
        golden_records.email_source,
        golden_records.phone_e164,
        golden_records.phone_e164_source,
        golden_records.birth_date,
        golden_records.postcode,
        golden_records.city,
        golden_records.country_code,
        record_counts.record_count,
        record_counts.source_count,
        features.first_seen_at,
        features.acquisition_source,
        {% for _, _, column in consent_columns %}
            coalesce(consent_wide.{{ column }}, false) as {{ column }},
        {% endfor %}
        features.first_purchase_at,
        features.last_purchase_at,
        features.first_purchase_channel,
        features.purchase_count,
        features.web_order_count,
        features.store_transaction_count,
        features.total_revenue,
        features.average_order_value,
        features.days_since_last_purchase,
        segments.recency_score,
        segments.frequency_score,
        segments.monetary_score,
        features.web_session_count,
        features.last_seen_at,
        features.email_opens,
        features.email_clicks,
        features.ticket_count,
        features.open_ticket_count,
        cast(features.average_satisfaction as double) as average_satisfaction,
        segments.profiling_withheld_reason,
        predictions.probability_alive,
        predictions.expected_purchases,
        predictions.expected_spend,
        predictions.clv,
        predictions.churn_probability,
        predictions.churn_model,
        segments.churn_band,
        segments.clv_band,
        segments.segment,
        segments.lifecycle_stage,
        actions.next_best_action,
        actions.next_best_action_channel,
        actions.next_best_action_reason
    from golden_records
    inner join record_counts on golden_records.person_id = record_counts.person_id
    inner join features on golden_records.person_id = features.person_id
    left join predictions on golden_records.person_id = predictions.person_id
    left join segments on golden_records.person_id = segments.person_id
    left join actions on golden_records.person_id = actions.person_id
    left join consent_wide on golden_records.person_id = consent_wide.person_id
)

select * from final
