with

email_events as (
    select * from {{ ref('base_marketing__email_events') }}
),

usable as (
    select
        email_event_id,
        email,
        email_canonical,
        campaign_id,
        event_type,
        occurred_at,
        _source_row
    from email_events
    where quarantine_reason is null
)

select * from usable
