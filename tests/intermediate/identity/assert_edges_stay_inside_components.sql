{#- Connected components are closed under the edges: both ends of every edge are in the same
    original component, and both ends of every edge the guard kept are in the same final one. -#}
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

broken as (
    select
        edges.node_a,
        edges.node_b,
        edges.edge_kind
    from edges
    inner join clusters as cluster_a on edges.node_a = cluster_a.node_id
    inner join clusters as cluster_b on edges.node_b = cluster_b.node_id
    where
        cluster_a.unguarded_component_id <> cluster_b.unguarded_component_id
        or (cluster_a.component_id <> cluster_b.component_id and edges.edge_kind = 'identifier')
),

uncut_fuzzy as (
    select
        edges.node_a,
        edges.node_b,
        edges.edge_kind
    from edges
    inner join clusters as cluster_a on edges.node_a = cluster_a.node_id
    inner join clusters as cluster_b on edges.node_b = cluster_b.node_id
    inner join nodes as node_a on edges.node_a = node_a.node_id
    inner join nodes as node_b on edges.node_b = node_b.node_id
    left join cuts on node_a.node_key = cuts.record_key_a and node_b.node_key = cuts.record_key_b
    where
        edges.edge_kind = 'fuzzy'
        and cluster_a.component_id <> cluster_b.component_id
        and cuts.record_key_a is null
)

select * from broken
union all
select * from uncut_fuzzy
