{#- The identity graph as integer edges, ready for connected components:
    - record -> identifier node for every linked identifier held by two or more records (a star,
      not a clique: n records sharing an email make n edges, not n^2);
    - record -> record for every fuzzy pair at or above var identity_match_weight_threshold whose
      first names agree (exact, nickname or typo-close: a positive first-name weight). Household
      members share surname, address, landline and sometimes a mailbox, and Fellegi-Sunter adds
      those correlated agreements as if independent; a different first name is the household's
      tell, so it vetoes a fuzzy edge whatever the total weight.
    Node ids come from int_identity_graph_nodes. match_weight is null for identifier edges, which
    the chaining guard never cuts. -#}
with

nodes as (
    select * from {{ ref('int_identity_graph_nodes') }}
),

screened as (
    select * from {{ ref('int_identity_identifiers_screened') }}
),

fuzzy_pairs as (
    select * from {{ ref('int_identity_fuzzy_pairs') }}
),

identifier_edges as (
    select distinct
        record_key as node_a_key,
        link_node as node_b_key,
        'identifier' as edge_kind,
        identifier_type,
        cast(null as double) as match_weight
    from screened
    where link_node is not null
),

fuzzy_edges as (
    select
        record_key_l as node_a_key,
        record_key_r as node_b_key,
        'fuzzy' as edge_kind,
        cast(null as string) as identifier_type,
        match_weight
    from fuzzy_pairs
    where
        match_weight >= {{ var('identity_match_weight_threshold') }}
        and mw_first_name > 0
),

edges as (
    select * from identifier_edges
    union all
    select * from fuzzy_edges
),

numbered as (
    select
        node_a.node_id as node_a,
        node_b.node_id as node_b,
        edges.edge_kind,
        edges.identifier_type,
        edges.match_weight
    from edges
    inner join nodes as node_a on edges.node_a_key = node_a.node_key
    inner join nodes as node_b on edges.node_b_key = node_b.node_key
)

select * from numbered
