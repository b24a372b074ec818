{#- The next best action per known person: the first rule of seed next_best_actions (by priority)
    matching the person's segment, churn band and CLV band ('*' matches anything), delivered on the
    first channel of seed next_best_action_channels that int_consent_reachable_channels permits for
    marketing (a grant and a contact point). When no listed channel is permitted, no action is proposed
    and the reason says so; a person not profiled (no profiling consent) has no segment and so no action. -#}
with

segments as (
    select * from {{ ref('int_customer_segments') }}
),

reachable_channels as (
    select * from {{ ref('int_consent_reachable_channels') }}
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
    inner join reachable_channels
        on
            chosen_actions.person_id = reachable_channels.person_id
            and reachable_channels.purpose = 'marketing'
            and action_channels.channel = reachable_channels.channel
),

actions as (
    select
        segments.person_id,
        case when permitted_channels.channel is not null then chosen_actions.action end as next_best_action,
        permitted_channels.channel as next_best_action_channel,
        case
            when segments.profiling_withheld_reason is not null then 'not profiled: ' || segments.profiling_withheld_reason
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
