{#- The erasure suppression list: salted hashes only, append-only, never rebuilt (full_refresh=false),
    so an erased person stays erased even when their rows are re-exported later.

    For each staged erasure request (by email, phone, CRM contact id, shop account id or loyalty card):
    the identifier itself, and — when it reaches exactly one person — every identifier, record key,
    purchase key and the person_id of that person, except identifiers also held by a person who is not
    erased (a household landline stays: it is someone else's data too). A request whose identifier reaches
    several persons erases only that identifier (an ambiguous request must not delete a stranger); one
    that reaches nobody still suppresses its identifier, so rows that arrive later stay out.

    landing the raw files leaves out every row carrying a listed hash (register_raw_sources), and the
    run is rebuilt once more when this list grew, so no relation keeps the person's rows (customer360
    run does both). -#}
{{ config(
    materialized='incremental',
    unique_key='identifier_hash',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
) }}

with

requests as (
    select * from {{ ref('stg_consent__erasure_requests') }}
),

identifiers as (
    select * from {{ ref('int_identity_identifiers_unioned') }}
),

assignments as (
    select * from {{ ref('int_identity_persons_assigned') }}
),

purchases as (
    select * from {{ ref('int_commerce_purchases_attributed') }}
),

requested_persons as (
    select
        requests.erasure_request_id,
        count(distinct assignments.person_id) as person_count,
        min(assignments.person_id) as person_id
    from requests
    inner join identifiers
        on
            requests.identifier_type = identifiers.identifier_type
            and requests.identifier_normalised = identifiers.identifier_value
    inner join assignments on identifiers.record_key = assignments.record_key
    group by requests.erasure_request_id
),

erased_persons as (
    select distinct person_id
    from requested_persons
    where person_count = 1
),

erased_records as (
    select assignments.record_key
    from assignments
    inner join erased_persons on assignments.person_id = erased_persons.person_id
),

holders as (
    select
        identifiers.identifier_type,
        identifiers.identifier_value,
        max(case when erased_persons.person_id is null then 1 else 0 end) = 1 as has_other_holder
    from identifiers
    inner join assignments on identifiers.record_key = assignments.record_key
    left join erased_persons on assignments.person_id = erased_persons.person_id
    group by identifiers.identifier_type, identifiers.identifier_value
),

person_identifiers as (
    select distinct
        identifiers.identifier_type,
        identifiers.identifier_value
    from identifiers
    inner join erased_records on identifiers.record_key = erased_records.record_key
    inner join holders
        on
            identifiers.identifier_type = holders.identifier_type
            and identifiers.identifier_value = holders.identifier_value
    where not holders.has_other_holder
),

record_keys as (
    select
        {{ record_key_erasure_type('record_key') }} as identifier_type,
        {{ record_key_source_id('record_key') }} as identifier_value
    from erased_records
),

purchase_keys as (
    select
        case split_part(purchases.purchase_id, ':', 1) when 'order' then 'order_id' else 'transaction_id' end as identifier_type,
        substr(purchases.purchase_id, length(split_part(purchases.purchase_id, ':', 1)) + 2) as identifier_value
    from purchases
    inner join erased_persons on purchases.person_id = erased_persons.person_id
),

person_keys as (
    select
        'person_id' as identifier_type,
        person_id as identifier_value
    from erased_persons
),

requested_identifiers as (
    select
        identifier_type,
        identifier_normalised as identifier_value
    from requests
),

suppressed as (
    select * from requested_identifiers
    union all
    select * from person_identifiers
    union all
    select * from record_keys
    union all
    select * from purchase_keys
    union all
    select * from person_keys
),

hashed as (
    select distinct
        identifier_type,
        {{ erasure_hash('identifier_type', 'identifier_value') }} as identifier_hash
    from suppressed
    where identifier_value is not null
),

stamped as (
    select
        identifier_type,
        identifier_hash,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp) as suppressed_at,
        '{{ invocation_id }}' as run_id
    from hashed
    {% if is_incremental() %}
        where identifier_hash not in (select previous.identifier_hash from {{ this }} as previous)
    {% endif %}
)

select * from stamped
