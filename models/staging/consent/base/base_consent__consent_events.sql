{{ config(
    materialized='incremental',
    on_schema_change='append_new_columns',
    pre_hook="{{ restart_if_relanded() }}",
) }}

{#- Incremental: reads the raw rows of delivery files it has not read (macros/staging/delivered_increments.sql). -#}
with

source as (
    select * from {{ source('consent', 'consent_events') }}
    {{ undelivered_files_only() }}
),

typed as (
    select
        _source_file,
        _source_row,
        _landing_generation,
        {{ clean_text('consent_event_id') }} as consent_event_id,
        lower({{ clean_text('identifier_type') }}) as identifier_type,
        {{ clean_text('identifier_value') }} as identifier_value,
        lower({{ clean_text('purpose') }}) as purpose,
        lower({{ clean_text('channel') }}) as channel,
        lower({{ clean_text('action') }}) as consent_action,
        lower({{ clean_text('source') }}) as capture_source,
        {{ parse_timestamp('occurred_at') }} as occurred_at
    from source
),

emails as (
    select
        typed.*,
        {{ email_normalised_if('identifier_type', 'identifier_value') }} as email_normalised
    from typed
),

checked as (
    select
        emails._source_file,
        emails._source_row,
        emails._landing_generation,
        emails.consent_event_id,
        emails.identifier_type,
        emails.identifier_value,
        emails.purpose,
        emails.channel,
        emails.consent_action,
        emails.capture_source,
        emails.occurred_at,
        {{ identifier_normalised('identifier_type', 'identifier_value', 'email_normalised') }} as identifier_normalised,
        {{ delivered_duplicate_rank('emails', 'consent_event_id') }} as key_rank
    from emails
),

reasoned as (
    select
        *,
        {{ reasons([
            ('consent_event_id is null', 'missing consent_event_id'),
            ('consent_event_id is not null and key_rank > 1', 'duplicate consent_event_id: the first row is kept'),
            ('occurred_at is null', 'missing or unparseable occurred_at'),
            ('identifier_normalised is null', 'missing or invalid identifier'),
            ("consent_action not in ('granted', 'withdrawn') or consent_action is null", 'unknown action'),
            ("purpose not in ('marketing', 'profiling', 'personalisation') or purpose is null", 'unknown purpose'),
            ("channel not in ('email', 'sms', 'phone', 'push') or channel is null", 'unknown channel'),
        ]) }} as quarantine_reason,
        cast(null as string) as data_issues
    from checked
)

select * from reasoned
