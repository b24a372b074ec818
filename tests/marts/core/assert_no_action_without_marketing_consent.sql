{#- No next best action is ever proposed on a channel the person has not granted marketing consent
    for, or cannot be reached on. -#}
with

customers as (
    select * from {{ ref('customer_360') }}
),

violations as (
    select
        person_id,
        next_best_action,
        next_best_action_channel
    from customers
    where
        next_best_action is not null
        and (
            next_best_action_channel is null
            or (next_best_action_channel = 'email' and (not has_marketing_consent_email or email is null))
            or (next_best_action_channel = 'sms' and (not has_marketing_consent_sms or phone_e164 is null))
            or (next_best_action_channel = 'phone' and (not has_marketing_consent_phone or phone_e164 is null))
            or (next_best_action_channel = 'push' and not has_marketing_consent_push)
        )
)

select * from violations
