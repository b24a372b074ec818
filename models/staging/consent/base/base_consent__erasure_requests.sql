with

source as (
    select * from {{ source('consent', 'erasure_requests') }}
),

typed as (
    select
        _source_file,
        _source_row,
        {{ clean_text('request_id') }} as erasure_request_id,
        lower({{ clean_text('identifier_type') }}) as identifier_type,
        {{ clean_text('identifier_value') }} as identifier_value,
        {{ parse_timestamp('requested_at') }} as requested_at
    from source
),

checked as (
    select
        *,
        {{ identifier_normalised('identifier_type', 'identifier_value') }} as identifier_normalised
    from typed
),

reasoned as (
    select
        *,
        {#- A request is honoured even when its key or date is broken: only an unusable identifier
            sends it to quarantine, where a privacy officer must resolve it by hand. -#}
        {{ reasons([
            ('identifier_normalised is null', 'missing or invalid identifier: resolve by hand'),
        ]) }} as quarantine_reason,
        {{ reasons([
            ('erasure_request_id is null', 'missing request_id'),
            ('requested_at is null', 'missing or unparseable requested_at'),
        ]) }} as data_issues
    from checked
)

select * from reasoned
