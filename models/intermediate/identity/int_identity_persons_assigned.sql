{#- One person per cluster, named after its anchor so the id survives re-runs and new data: the
    cluster's earliest-observed identifier of the highest anchor priority (seed identifier_rules:
    CRM contact, shop account or loyalty card first, then email or phone, then a cookie), or the
    record itself when it links through nothing. Row numbers never enter the id. A person made of
    cookies only is an anonymous visitor: kept in the graph, left out of customer_360. -#}
with

records as (
    select * from {{ ref('int_identity_records_unioned') }}
),

nodes as (
    select * from {{ ref('int_identity_graph_nodes') }}
),

clusters as (
    select * from {{ ref('int_identity_clusters') }}
),

screened as (
    select * from {{ ref('int_identity_identifiers_screened') }}
),

rules as (
    select * from {{ ref('identifier_rules') }}
),

anchor_candidates as (
    select
        screened.link_node as node_key,
        rules.anchor_priority,
        min(screened.observed_at) as first_observed_at
    from screened
    inner join rules on screened.identifier_type = rules.identifier_type
    where screened.link_node is not null
    group by screened.link_node, rules.anchor_priority
    union all
    select
        record_key as node_key,
        99 as anchor_priority,
        created_at as first_observed_at
    from records
),

ranked_anchors as (
    select
        clusters.component_id,
        nodes.node_key,
        row_number() over (
            partition by clusters.component_id
            order by
                anchor_candidates.anchor_priority asc,
                anchor_candidates.first_observed_at asc nulls last,
                nodes.node_key asc
        ) as anchor_rank
    from clusters
    inner join nodes on clusters.node_id = nodes.node_id
    inner join anchor_candidates on nodes.node_key = anchor_candidates.node_key
),

anchors as (
    select
        component_id,
        node_key as anchor_node,
        'p_' || substr(md5(node_key), 1, 16) as person_id
    from ranked_anchors
    where anchor_rank = 1
),

assigned as (
    select
        records.record_key,
        records.source_system,
        records.record_type,
        records.source_record_id,
        anchors.person_id,
        anchors.anchor_node,
        clusters.guard_status,
        coalesce(
            min(case when records.record_type = 'web_cookie' then 1 else 0 end) over (partition by anchors.person_id) = 1,
            false
        ) as is_anonymous_person
    from records
    inner join nodes on records.record_key = nodes.node_key
    inner join clusters on nodes.node_id = clusters.node_id
    inner join anchors on clusters.component_id = anchors.component_id
)

select * from assigned
