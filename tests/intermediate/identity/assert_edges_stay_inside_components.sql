{#- Connected components are closed under the edges: both ends of every edge are in the same
    original component; both ends of an identifier edge are in the same final component; and a
    fuzzy edge whose ends ended apart is one the guard audited as cut. -#}
with

edges as (
    select * from {{ ref('int_identity_graph_edges') }}
),

clusters as (
    select * from {{ ref('int_identity_clusters') }}
),

cuts as (
    select * from {{ ref('int_identity_guard_cuts') }}
),

nodes as (
    select * from {{ ref('int_identity_graph_nodes') }}
),

placed_edges as (
    select
        node_a.node_key as key_a,
        node_b.node_key as key_b,
        edges.edge_kind,
        cluster_a.unguarded_component_id <> cluster_b.unguarded_component_id as crosses_original,
        cluster_a.component_id <> cluster_b.component_id as crosses_final
    from edges
    inner join clusters as cluster_a on edges.node_a = cluster_a.node_id
    inner join clusters as cluster_b on edges.node_b = cluster_b.node_id
    inner join nodes as node_a on edges.node_a = node_a.node_id
    inner join nodes as node_b on edges.node_b = node_b.node_id
),

broken as (
    select placed_edges.*
    from placed_edges
    left join cuts on placed_edges.key_a = cuts.record_key_a and placed_edges.key_b = cuts.record_key_b
    where
        placed_edges.crosses_original
        or (placed_edges.crosses_final and placed_edges.edge_kind = 'identifier')
        or (placed_edges.crosses_final and cuts.record_key_a is null)
)

select * from broken
