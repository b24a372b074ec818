{#- Web events attributed to persons. A logged-in event belongs to the person of its shop account.
    An anonymous event belongs to the person its cookie is stitched to — through a login on that
    device (at any time, before or after the event, on any of the person's devices: multi-hop through
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

account_persons as (
    select
        source_record_id as shop_account_id,
        person_id
    from assignments
    where record_type = 'shop_account'
),

cookie_persons as (
    select
        source_record_id as cookie_id,
        person_id,
        is_anonymous_person
    from assignments
    where record_type = 'web_cookie'
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
        coalesce(account_persons.person_id, cookie_persons.person_id) as person_id,
        case
            when account_persons.person_id is not null then 'logged in'
            when cookie_persons.is_anonymous_person then 'anonymous device'
            when cookie_persons.person_id is not null then 'stitched device'
            else 'unattributed'
        end as attribution_method
    from events
    left join account_persons on events.shop_account_id = account_persons.shop_account_id
    left join cookie_persons on events.cookie_id = cookie_persons.cookie_id
)

select * from attributed
