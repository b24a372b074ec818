{#- Current consent per known person x purpose x channel, deny by default:
    - the latest event for the person, purpose and channel wins, whichever identifier it came through;
    - events at the same moment that disagree resolve to the more restrictive (withdrawn);
    - no event at all means not granted.
    Computed as of the as-of date, so a replayed history sees the consent of that day. -#}
with

events as (
    select * from {{ ref('int_consent_events_resolved') }}
),

persons as (
    select distinct person_id
    from {{ ref('int_identity_persons_assigned') }}
    where not is_anonymous_person
),

as_of as (
    select * from {{ ref('int_customer_as_of') }}
),

purposes as (
    select 'marketing' as purpose
    union all
    select 'profiling' as purpose
    union all
    select 'personalisation' as purpose
),

channels as (
    select 'email' as channel
    union all
    select 'sms' as channel
    union all
    select 'phone' as channel
    union all
    select 'push' as channel
),

ranked as (
    select
        events.person_id,
        events.purpose,
        events.channel,
        events.consent_action,
        events.occurred_at,
        events.capture_source,
        row_number() over (
            partition by events.person_id, events.purpose, events.channel
            order by events.occurred_at desc, case events.consent_action when 'withdrawn' then 0 else 1 end asc
        ) as recency_rank
    from events
    cross join as_of
    where events.person_id is not null and cast(events.occurred_at as date) <= as_of.as_of_date
),

latest as (
    select * from ranked
    where recency_rank = 1
),

grid as (
    select
        persons.person_id,
        purposes.purpose,
        channels.channel
    from persons
    cross join purposes
    cross join channels
),

state as (
    select
        grid.person_id,
        grid.purpose,
        grid.channel,
        coalesce(latest.consent_action = 'granted', false) as is_granted,
        latest.consent_action as last_action,
        latest.occurred_at as last_changed_at,
        latest.capture_source as last_source
    from grid
    left join latest
        on
            grid.person_id = latest.person_id
            and grid.purpose = latest.purpose
            and grid.channel = latest.channel
)

select * from state
