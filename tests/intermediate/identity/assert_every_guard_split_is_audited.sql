{#- Every component the guard split has its cut edges, with a reason, in int_identity_guard_cuts;
    and the guard never joins what the graph did not (each final component lies inside one original). -#}
with

clusters as (
    select * from {{ ref('int_identity_clusters') }}
),

nodes as (
    select * from {{ ref('int_identity_graph_nodes') }}
),

cuts as (
    select * from {{ ref('int_identity_guard_cuts') }}
),

split_components as (
    select unguarded_component_id
    from clusters
    group by unguarded_component_id
    having count(distinct component_id) > 1
),

audited_components as (
    select distinct clusters.unguarded_component_id
    from cuts
    inner join nodes on cuts.record_key_a = nodes.node_key
    inner join clusters on nodes.node_id = clusters.node_id
),

unaudited as (
    select
        split_components.unguarded_component_id,
        'split without an audited cut' as problem
    from split_components
    left join audited_components
        on split_components.unguarded_component_id = audited_components.unguarded_component_id
    where audited_components.unguarded_component_id is null
),

straddling as (
    select
        component_id as unguarded_component_id,
        'final component spans several original components' as problem
    from clusters
    group by component_id
    having count(distinct unguarded_component_id) > 1
)

select * from unaudited
union all
select * from straddling
