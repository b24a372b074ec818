{#- A value on the junk list (exact or pattern) must never attach a record to the graph. -#}
with

screened as (
    select * from {{ ref('int_identity_identifiers_screened') }}
),

junk as (
    select * from {{ ref('junk_identifiers') }}
),

leaks as (
    select
        screened.record_key,
        screened.identifier_type,
        screened.identifier_value,
        screened.link_node
    from screened
    inner join junk
        on
            screened.identifier_type = junk.identifier_type
            and (
                (junk.match_type = 'exact' and screened.identifier_value = junk.identifier_pattern)
                or (
                    junk.match_type = 'pattern'
                    and {{ regex_matches_expression('screened.identifier_value', 'junk.identifier_pattern') }}
                )
            )
    where screened.link_node is not null
)

select * from leaks
