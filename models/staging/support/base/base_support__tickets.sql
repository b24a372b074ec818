{{ versioned_records_base_config() }}
with

source as (
    select * from {{ source('support', 'tickets') }}
    {{ undelivered_files_only() }}
),

typed as (
    select
        _source_file,
        _source_row,
        _landing_generation,
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ clean_text('email') }} as email_raw,
        {{ normalise_email('email') }} as email,
        {{ clean_text('phone') }} as phone_raw,
        {{ normalise_phone('phone') }} as phone_e164,
        {{ clean_text('customer_name') }} as customer_name,
        {{ normalise_name('customer_name') }} as customer_name_normalised,
        lower({{ clean_text('channel') }}) as contact_channel,
        lower({{ clean_text('category') }}) as category,
        lower({{ clean_text('status') }}) as ticket_status,
        {{ try_cast('satisfaction_score', 'int') }} as satisfaction_score_parsed,
        {{ clean_text('satisfaction_score') }} as satisfaction_score_raw,
        {{ parse_timestamp('created_at', ['%d/%m/%Y %H:%M']) }} as created_at,
        {{ clean_text('resolved_at') }} as resolved_at_raw,
        {{ parse_timestamp('resolved_at', ['%d/%m/%Y %H:%M']) }} as resolved_at
    from source
),

checked as (
    select
        *,
        {{ canonical_email('email') }} as email_canonical,
        case when satisfaction_score_parsed between 1 and 5 then satisfaction_score_parsed end as satisfaction_score,
        {{ duplicate_rank('ticket_id') }} as key_rank
    from typed
),

reasoned as (
    select
        *,
        {{ reasons([
            ('ticket_id is null', 'missing ticket_id'),
            ('ticket_id is not null and key_rank > 1', 'duplicate ticket_id: the first row is kept'),
            ('created_at is null', 'missing or unparseable created_at'),
        ]) }} as quarantine_reason,
        {{ reasons([
            ('email_raw is not null and email is null', 'invalid email'),
            ('phone_raw is not null and phone_e164 is null', 'invalid phone'),
            ('satisfaction_score_raw is not null and satisfaction_score is null', 'invalid satisfaction_score'),
            ('resolved_at_raw is not null and resolved_at is null', 'invalid resolved_at'),
        ]) }} as data_issues
    from checked
)

select * from reasoned
