{#- A value on the junk list (exact or pattern) must never attach a record to the graph. The patterns
    are matched through junk_pattern_reason, which writes them into the SQL as literals: joining to the
    seed's pattern column compiled a regular expression per row and pair (1 s on the demo data). -#}
with

linked as (
    select
        record_key,
        identifier_type,
        identifier_value,
        link_node
    from {{ ref('int_identity_identifiers_screened') }}
    where link_node is not null
),

exact_junk as (
    select
        identifier_type,
        identifier_pattern as identifier_value
    from {{ ref('junk_identifiers') }}
    where match_type = 'exact'
),

leaks as (
    select linked.*
    from linked
    inner join exact_junk
        on
            linked.identifier_type = exact_junk.identifier_type
            and linked.identifier_value = exact_junk.identifier_value
    union all
    select linked.*
    from linked
    where {{ junk_pattern_reason('linked.identifier_type', 'linked.identifier_value') }} is not null
)

select * from leaks
