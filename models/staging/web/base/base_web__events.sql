{{ config(
    materialized='incremental',
    on_schema_change='append_new_columns',
    pre_hook="{{ restart_if_relanded() }}",
) }}

{#- Incremental: reads the raw rows of delivery files it has not read (macros/staging/delivered_increments.sql). -#}
with

source as (
    select * from {{ source('web', 'events') }}
    {{ undelivered_files_only() }}
),

typed as (
    select
        _source_file,
        _source_row,
        _landing_generation,
        {{ clean_text('event_id') }} as web_event_id,
        {{ clean_text('cookie_id') }} as cookie_id,
        {{ clean_text('session_id') }} as web_session_id,
        {{ clean_text('user_id') }} as shop_account_id,
        {{ clean_text('email') }} as email_raw,
        {{ normalise_email('email') }} as email,
        lower({{ clean_text('event_type') }}) as event_type,
        {{ clean_text('page_url') }} as page_url,
        lower({{ clean_text('device_type') }}) as device_type,
        {{ parse_timestamp('occurred_at') }} as occurred_at
    from source
),

checked as (
    select
        typed.*,
        {{ canonical_email('email') }} as email_canonical,
        {{ delivered_duplicate_rank('typed', 'web_event_id') }} as key_rank
    from typed
),

reasoned as (
    select
        *,
        {{ reasons([
            ('web_event_id is null', 'missing event_id'),
            ('web_event_id is not null and key_rank > 1', 'duplicate event_id: the first row is kept'),
            ('occurred_at is null', 'missing or unparseable occurred_at'),
            ('cookie_id is null and shop_account_id is null', 'neither cookie_id nor user_id'),
        ]) }} as quarantine_reason,
        {{ reasons([
            ('email_raw is not null and email is null', 'invalid email'),
        ]) }} as data_issues
    from checked
)

select * from reasoned
