{{ config(
    materialized='incremental',
    on_schema_change='append_new_columns',
    pre_hook="{{ restart_if_relanded() }}",
) }}

{#- Incremental: reads the raw rows of delivery files it has not read (macros/staging/delivered_increments.sql). -#}
with

source as (
    select * from {{ source('marketing', 'email_events') }}
    {{ undelivered_files_only() }}
),

typed as (
    select
        _source_file,
        _source_row,
        _landing_generation,
        {{ clean_text('event_id') }} as email_event_id,
        {{ clean_text('email') }} as email_raw,
        {{ normalise_email('email') }} as email,
        {{ clean_text('campaign_id') }} as campaign_id,
        lower({{ clean_text('event_type') }}) as event_type,
        {{ parse_timestamp('occurred_at') }} as occurred_at
    from source
),

checked as (
    select
        typed.*,
        {{ canonical_email('email') }} as email_canonical,
        {{ delivered_duplicate_rank('typed', 'email_event_id') }} as key_rank
    from typed
),

reasoned as (
    select
        *,
        {{ reasons([
            ('email_event_id is null', 'missing event_id'),
            ('email_event_id is not null and key_rank > 1', 'duplicate event_id: the first row is kept'),
            ('email is null', 'missing or invalid email'),
            ('occurred_at is null', 'missing or unparseable occurred_at'),
            ("event_type not in ('sent', 'open', 'click', 'bounce', 'unsubscribe') or event_type is null",
             'unknown event_type'),
        ]) }} as quarantine_reason,
        cast(null as string) as data_issues
    from checked
)

select * from reasoned
