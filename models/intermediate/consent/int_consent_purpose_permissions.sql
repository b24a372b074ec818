{#- Whether each known person may be processed for a purpose at all, whatever the channel, deny by
    default: permitted only when at least one channel holds a grant for the purpose and no channel's
    latest word on it is a withdrawal (the more restrictive wins). Profiling gates every prediction and
    segment: a person without it gets nulls with withheld_reason, and their data never reaches a model fit. -#}
with

consent as (
    select * from {{ ref('int_consent_state') }}
),

per_purpose as (
    select
        person_id,
        purpose,
        max(case when is_granted then 1 else 0 end) = 1 as has_grant,
        max(case when last_action = 'withdrawn' then 1 else 0 end) = 1 as has_withdrawal
    from consent
    group by person_id, purpose
),

permissions as (
    select
        person_id,
        purpose,
        has_grant and not has_withdrawal as is_permitted,
        case
            when has_withdrawal then purpose || ' consent withdrawn'
            when not has_grant then 'no ' || purpose || ' consent recorded'
        end as withheld_reason
    from per_purpose
)

select * from permissions
