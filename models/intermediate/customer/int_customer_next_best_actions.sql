{#- The next best action per known person: the first rule of seed next_best_actions (by priority)
    matching the person's segment, churn band and CLV band ('*' matches anything), delivered on the
    first channel of seed next_best_action_channels that the person has granted marketing consent for
    and can be reached on (an email address, a phone number, the app). When no listed channel is
    permitted, no action is proposed and the reason says so. -#}
with

segments as (
    select * from {{ ref('int_customer_segments') }}
),

features as (
    select * from {{ ref('int_customer_features') }}
),

golden_records as (
    select * from {{ ref('int_identity_golden_records') }}
),

consent as (
    select * from {{ ref('int_consent_state') }}
),

rules as (
    select * from {{ ref('next_best_actions') }}
),

action_channels as (
    select * from {{ ref('next_best_action_channels') }}
),

matched_rules as (
    select
        segments.person_id,
        rules.action,
        rules.reason,
        row_number() over (partition by segments.person_id order by rules.rule_priority asc) as rule_rank
    from segments
    inner join rules
        on
            (segments.segment = rules.segment or rules.segment = '*')
            and (segments.churn_band = rules.churn_band or rules.churn_band = '*')
            and (segments.clv_band = rules.clv_band or rules.clv_band = '*')
),

chosen_actions as (
    select * from matched_rules
    where rule_rank = 1
),

permitted_channels as (
    select
        chosen_actions.person_id,
        action_channels.channel,
        row_number() over (
            partition by chosen_actions.person_id order by action_channels.channel_rank asc
        ) as channel_rank
    from chosen_actions
    inner join action_channels on chosen_actions.action = action_channels.action
    inner join consent
        on
            chosen_actions.person_id = consent.person_id
            and consent.purpose = 'marketing'
            and action_channels.channel = consent.channel
            and consent.is_granted
    inner join golden_records on chosen_actions.person_id = golden_records.person_id
    inner join features on chosen_actions.person_id = features.person_id
    where
        (action_channels.channel = 'email' and golden_records.email is not null)
        or (action_channels.channel in ('sms', 'phone') and golden_records.phone_e164 is not null)
        or (action_channels.channel = 'push' and features.uses_app)
),

actions as (
    select
        segments.person_id,
        case when permitted_channels.channel is not null then chosen_actions.action end as next_best_action,
        permitted_channels.channel as next_best_action_channel,
        case
            when chosen_actions.action is null then 'no rule matches'
            when permitted_channels.channel is null
                then 'would be "' || chosen_actions.action || '" but no listed channel has marketing consent and a contact point'
            else chosen_actions.reason
        end as next_best_action_reason
    from segments
    left join chosen_actions on segments.person_id = chosen_actions.person_id
    left join permitted_channels on segments.person_id = permitted_channels.person_id and permitted_channels.channel_rank = 1
)

select * from actions
