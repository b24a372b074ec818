{#- Every node of the identity graph with an integer id (joins on integers are what make connected
    components fast): each record, and each identifier node that links two or more. The id is a hash of
    the node key (macro stable_node_id), the same in every run, so other models compute it from the key. Records
    carry what the chaining guard checks: a birth-date key (day and month in order, so a swapped
    entry is not a conflict) and whether the record is a named one (counted against the size cap). -#}
with

records as (
    select * from {{ ref('int_identity_records_unioned') }}
),

screened as (
    select * from {{ ref('int_identity_identifiers_screened') }}
),

record_nodes as (
    select
        record_key as node_key,
        'record' as node_kind,
        case
            when birth_date is not null
                then
                    cast(year(birth_date) as string) || '-'
                    || cast(least(month(birth_date), day(birth_date)) as string) || '-'
                    || cast(greatest(month(birth_date), day(birth_date)) as string)
        end as birth_key,
        first_name_normalised is not null or last_name_normalised is not null as is_named_record
    from records
),

identifier_nodes as (
    {#- Only identifiers held by two or more records can link anything; the rest (most system keys,
        every cookie id) would only make the graph bigger. -#}
    select
        link_node as node_key,
        'identifier' as node_kind,
        cast(null as string) as birth_key,
        false as is_named_record
    from screened
    where link_node is not null
    group by link_node
    {# Two or more records: the least and the greatest differ (cheaper than a count distinct). #}
    having min(record_key) < max(record_key)
),

nodes as (
    select * from record_nodes
    union all
    select * from identifier_nodes
),

identified as (
    select
        {{ stable_node_id('node_key') }} as node_id,
        node_key,
        node_kind,
        birth_key,
        is_named_record
    from nodes
)

select * from identified
