{#- The identity graph as integer edges, ready for connected components:
    - record -> identifier node for every linked identifier held by two or more records (a star,
      not a clique: n records sharing an email make n edges, not n^2);
    - record -> record for every fuzzy pair at or above var identity_match_weight_threshold whose
      first names agree (exact, nickname or typo-close: a positive first-name weight). Household
      members share surname, address, landline and sometimes a mailbox, and Fellegi-Sunter adds
      those correlated agreements as if independent; a different first name is the household's
      tell, so it vetoes a fuzzy edge whatever the total weight.
    Node ids are computed from the node keys as int_identity_graph_nodes computes them (macro
    stable_node_id). match_weight is null for identifier edges, which the chaining guard never cuts. -#}
with

identifier_nodes as (
    select node_id from {{ ref('int_identity_graph_nodes') }}
    where node_kind = 'identifier'
),

screened as (
    select * from {{ ref('int_identity_identifiers_screened') }}
),

fuzzy_pairs as (
    select * from {{ ref('int_identity_fuzzy_pairs') }}
),

identifier_edges as (
    select distinct
        {{ stable_node_id('record_key') }} as node_a,
        {{ stable_node_id('link_node') }} as node_b,
        'identifier' as edge_kind,
        identifier_type,
        cast(null as double) as match_weight
    from screened
    where link_node is not null
),

fuzzy_edges as (
    select
        {{ stable_node_id('record_key_l') }} as node_a,
        {{ stable_node_id('record_key_r') }} as node_b,
        'fuzzy' as edge_kind,
        cast(null as string) as identifier_type,
        match_weight
    from fuzzy_pairs
    where
        match_weight >= {{ var('identity_match_weight_threshold') }}
        and mw_first_name > 0
),

edges as (
    {#- an identifier held by one record is no node: it links nothing -#}
    select * from identifier_edges
    where node_b in (select identifier_nodes.node_id from identifier_nodes)
    union all
    select * from fuzzy_edges
)

select * from edges
