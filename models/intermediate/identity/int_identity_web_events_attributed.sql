{#- Web events attributed to persons. A logged-in event belongs to the person of its shop account.
    An anonymous event belongs to the person its cookie is stitched to — through a login on that
    device (at any time, before or after the event, on any of the person's device_owners: multi-hop through
    the identity graph) or an email typed into a form. A cookie used by several logged-in accounts is a
    shared device: screening refused its account links, so its anonymous events stay with the
    device's anonymous profile instead of merging its users. -#}
with

events as (
    select * from {{ ref('stg_web__events') }}
),

assignments as (
    select * from {{ ref('int_identity_persons_assigned') }}
),

attributed as (
    select
        events.web_event_id,
        events.cookie_id,
        events.web_session_id,
        events.shop_account_id,
        events.event_type,
        events.device_type,
        events.occurred_at,
        coalesce(account_owners.person_id, device_owners.person_id) as person_id,
        case
            when account_owners.person_id is not null then 'logged in'
            when device_owners.is_anonymous_person then 'anonymous device'
            when device_owners.person_id is not null then 'stitched device'
            else 'unattributed'
        end as attribution_method
    from events
    left join assignments as account_owners on 'shop_account:' || events.shop_account_id = account_owners.record_key
    left join assignments as device_owners on 'web_cookie:' || events.cookie_id = device_owners.record_key
)

select * from attributed
