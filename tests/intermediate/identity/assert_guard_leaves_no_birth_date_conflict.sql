{#- After the chaining guard, a person joins records with different birth dates (a day/month swap
    is the same date) only when the guard reported the component as unresolved. -#}
with

clusters as (
    select * from {{ ref('int_identity_clusters') }}
),

nodes as (
    select * from {{ ref('int_identity_graph_nodes') }}
),

conflicts as (
    select
        clusters.component_id,
        count(distinct nodes.birth_key) as birth_dates
    from clusters
    inner join nodes on clusters.node_id = nodes.node_id
    where clusters.guard_status <> 'unresolved'
    group by clusters.component_id
    having count(distinct nodes.birth_key) > 1
)

select * from conflicts
