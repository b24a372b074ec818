{#- Per-component maintenance of the identity clusters (int_identity_node_fingerprints, int_identity_clusters).

    A component's clusters and guard depend only on its own nodes (their birth-date key and whether they are
    named records), its edges (with their match weights) and the guard's vars. So every node gets a
    fingerprint of those: its own attributes, the set of its incident edges, and the vars
    (node_fingerprints_sql). A run then recomputes only the touched components: every node whose fingerprint
    is new, differs from the stored one or is gone, and every node of such a node's stored (unguarded)
    component. That set is closed under the current edges, so clustering it alone gives the components a full
    build gives:
    - an edge that appeared or went changes the fingerprints of both of its ends, so both are touched;
    - an untouched node has the edges it had, to nodes of its stored component, whose every node is
      untouched too (one touched node touches the whole stored component).
    So an untouched component keeps its nodes and edges and therefore its labels and guard result. -#}

{#- Every current node with its fingerprint. An edge counts once for each of its ends. -#}
{% macro node_fingerprints_sql(nodes_relation, edges_relation) %}
    {%- set guard_settings = [var('identity_guard_weight_ladder'), var('identity_max_named_records')] | string -%}
    with
    incident as (
        select node_a as node_id, node_b as neighbour_id, match_weight from {{ edges_relation }}
        union all
        select node_b as node_id, node_a as neighbour_id, match_weight from {{ edges_relation }}
    ),

    edge_sets as (
        select
            node_id,
            {{ customer360.set_fingerprint(customer360.row_fingerprint(['neighbour_id', 'match_weight'])) }} as edges_fingerprint
        from incident
        group by node_id
    )

    select
        nodes.node_id,
        {{ customer360.row_fingerprint([
            'nodes.birth_key', 'nodes.is_named_record', 'edge_sets.edges_fingerprint', "'" ~ guard_settings ~ "'",
        ]) }} as node_fingerprint
    from {{ nodes_relation }} as nodes
    left join edge_sets on nodes.node_id = edge_sets.node_id
{%- endmacro %}


{#- The node ids to cluster again: current nodes that are new, or whose stored component holds a node whose
    fingerprint changed or that is gone. `fingerprints`: node_fingerprints_sql's rows; `stored`: the model's
    stored rows (node_id, unguarded_component_id, node_fingerprint). -#}
{% macro touched_nodes_sql(fingerprints, stored) %}
    with
    changed as (
        select coalesce(fingerprints.node_id, stored.node_id) as node_id
        from {{ fingerprints }} as fingerprints
        full outer join {{ stored }} as stored on fingerprints.node_id = stored.node_id
        where fingerprints.node_fingerprint is distinct from stored.node_fingerprint
    ),

    touched_components as (
        select distinct stored.unguarded_component_id
        from {{ stored }} as stored
        inner join changed on stored.node_id = changed.node_id
    )

    select fingerprints.node_id
    from {{ fingerprints }} as fingerprints
    left join {{ stored }} as stored on fingerprints.node_id = stored.node_id
    where
        stored.node_id is null
        or stored.unguarded_component_id in (select touched_components.unguarded_component_id from touched_components)
{%- endmacro %}
