{#- Audit: every fuzzy edge the chaining guard cut (its two records were in one component before
    the guard and in two after), with the reason the component was suspect, and every component
    the guard could not resolve. -#}
with

edges as (
    select * from {{ ref('int_identity_graph_edges') }}
),

nodes as (
    select * from {{ ref('int_identity_graph_nodes') }}
),

clusters as (
    select * from {{ ref('int_identity_clusters') }}
),

cut_edges as (
    select
        node_a.node_key as record_key_a,
        node_b.node_key as record_key_b,
        edges.match_weight,
        cluster_a.guard_reason,
        cluster_a.guard_status
    from edges
    inner join clusters as cluster_a on edges.node_a = cluster_a.node_id
    inner join clusters as cluster_b on edges.node_b = cluster_b.node_id
    inner join nodes as node_a on edges.node_a = node_a.node_id
    inner join nodes as node_b on edges.node_b = node_b.node_id
    where
        edges.edge_kind = 'fuzzy'
        and cluster_a.unguarded_component_id = cluster_b.unguarded_component_id
        and cluster_a.component_id <> cluster_b.component_id
)

select * from cut_edges
