with

erasure_requests as (
    select * from {{ ref('base_consent__erasure_requests') }}
),

usable as (
    select
        erasure_request_id,
        identifier_type,
        identifier_normalised,
        requested_at,
        data_issues,
        _source_file,
        _source_row
    from erasure_requests
    where quarantine_reason is null
)

select * from usable
