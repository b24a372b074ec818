{#- Connected components of a graph by label propagation with pointer jumping, in plain SQL.

    Leaves first: a node with one neighbour cannot join two others, so label propagation runs only on
    the core (edges between nodes of two or more neighbours). In the identity graph about half the
    edges hang off a leaf (an identifier seen on one record), so this halves every round. Each core
    node starts from the smallest id among itself and its leaves, so the propagated minimum is the
    component's smallest node id; a leaf then takes its neighbour's label, two leaves joined only to
    each other take the smaller id, and an isolated node keeps its own.

    Each round gives every core node the smallest label among itself and its neighbours, then the
    label of that label (pointer jumping), which halves path lengths and converges in a few rounds even
    on long chains. The loop stops when no label changes; if that has not happened within
    max_iterations rounds the build fails loudly rather than publish half-merged persons.

    nodes_sql: a select with column node_id (bigint); edges_sql: a select with node_a, node_b.
    Creates table <prefix>_labels(node_id, component_id); component_id is the smallest node id of the
    component. Scratch tables live beside the model and are dropped by the caller.
    Only runs when dbt executes (run/build); other commands get an empty placeholder. -#}
{% macro connected_components(prefix, nodes_sql, edges_sql, max_iterations) %}
    {{ return(adapter.dispatch('connected_components', 'customer360')(prefix, nodes_sql, edges_sql, max_iterations)) }}
{% endmacro %}

{% macro default__connected_components(prefix, nodes_sql, edges_sql, max_iterations) %}
    {%- set degrees = prefix ~ '_degrees' -%}
    {%- set edges = prefix ~ '_edges' -%}
    {%- set core = prefix ~ '_core' -%}
    {%- set candidate = prefix ~ '_candidate' -%}
    {#- Both directions, so each round is one join and one group-by. A repeated edge is harmless to the
        minimum, and a node is a leaf when all its edges go to one neighbour, so no edge is de-duplicated. -#}
    {%- set both_ways -%}
        (select node_a, node_b from ({{ edges_sql }}) as e where node_a <> node_b
        union all
        select node_b, node_a from ({{ edges_sql }}) as e where node_a <> node_b)
    {%- endset -%}
    {% do customer360.create_scratch_table(degrees,
        'select node_a as node_id, min(node_b) = max(node_b) as is_leaf, min(node_b) as first_neighbour from '
        ~ both_ways ~ ' as l group by node_a') %}
    {%- set core_edges_sql -%}
        with core_edges as (
            select e.node_a, e.node_b from ({{ edges_sql }}) as e
            inner join {{ degrees }} as a on e.node_a = a.node_id
            inner join {{ degrees }} as b on e.node_b = b.node_id
            where e.node_a <> e.node_b and not a.is_leaf and not b.is_leaf
        )
        select node_a, node_b from core_edges
        union all
        select node_b, node_a from core_edges
    {%- endset -%}
    {% do customer360.create_scratch_table(edges, core_edges_sql) %}
    {#- A leaf's only neighbour is its first_neighbour, so the smallest leaf of each node comes from the
        degrees alone. -#}
    {%- set core_start_sql -%}
        with smallest_leaf as (
            select first_neighbour as node_id, min(node_id) as leaf_id from {{ degrees }}
            where is_leaf
            group by first_neighbour
        )
        select d.node_id, least(d.node_id, coalesce(s.leaf_id, d.node_id)) as component_id
        from {{ degrees }} as d
        left join smallest_leaf as s on d.node_id = s.node_id
        where not d.is_leaf
    {%- endset -%}
    {% do customer360.create_scratch_table(core, core_start_sql) %}
    {%- set ns = namespace(converged=false, rounds=0) -%}
    {%- for round in range(max_iterations) if not ns.converged -%}
        {%- set step_sql -%}
            with
            neighbour_minimum as (
                select e.node_b as node_id, min(l.component_id) as component_id from {{ edges }} as e
                inner join {{ core }} as l on e.node_a = l.node_id
                group by e.node_b
            ),
            propagated as (
                select
                    l.node_id,
                    l.component_id as previous_component_id,
                    least(l.component_id, coalesce(n.component_id, l.component_id)) as component_id
                from {{ core }} as l
                left join neighbour_minimum as n on l.node_id = n.node_id
            )
            select
                p.node_id,
                least(p.component_id, coalesce(q.component_id, p.component_id)) as component_id,
                p.previous_component_id
            from propagated as p
            left join propagated as q on p.component_id = q.node_id
        {%- endset -%}
        {% do customer360.create_scratch_table(candidate, step_sql) %}
        {%- set changed = run_query(
            'select count(*) from ' ~ candidate ~ ' where component_id <> previous_component_id'
        ).columns[0].values()[0] -%}
        {% do customer360.rename_scratch_table(candidate, core) %}
        {%- set ns.rounds = round + 1 -%}
        {%- if changed == 0 -%}{%- set ns.converged = true -%}{%- endif -%}
    {%- endfor -%}
    {%- if not ns.converged -%}
        {{ exceptions.raise_compiler_error(
            'connected components did not converge within ' ~ max_iterations
            ~ ' rounds (var identity_max_iterations); the identity graph is not published. '
            ~ 'Raise the cap only after checking int_identity_graph_edges for a runaway chain.'
        ) }}
    {%- endif -%}
    {#- A leaf takes its neighbour's label; a neighbour outside the core is a leaf too (the two form a
        component of their own). -#}
    {%- set labels_sql -%}
        select
            n.node_id,
            coalesce(
                c.component_id,
                neighbour.component_id,
                least(n.node_id, coalesce(d.first_neighbour, n.node_id))
            ) as component_id
        from ({{ nodes_sql }}) as n
        left join {{ core }} as c on n.node_id = c.node_id
        left join {{ degrees }} as d on n.node_id = d.node_id and d.is_leaf
        left join {{ core }} as neighbour on d.first_neighbour = neighbour.node_id
    {%- endset -%}
    {% do customer360.create_scratch_table(prefix ~ '_labels', labels_sql) %}
    {% do log('connected components of ' ~ prefix ~ ' converged in ' ~ ns.rounds ~ ' rounds', info=true) %}
    {% for scratch in [degrees, edges, core] %}
        {% do customer360.drop_scratch_table(scratch) %}
    {% endfor %}
{% endmacro %}


{#- create-or-replace a scratch table from a select; Spark's parquet tables cannot be replaced in place. -#}
{% macro create_scratch_table(name, select_sql) %}
    {{ return(adapter.dispatch('create_scratch_table', 'customer360')(name, select_sql)) }}
{% endmacro %}

{% macro default__create_scratch_table(name, select_sql) %}
    {% do run_query('create or replace table ' ~ name ~ ' as ' ~ select_sql) %}
{% endmacro %}

{% macro spark__create_scratch_table(name, select_sql) %}
    {% do run_query('drop table if exists ' ~ name ~ '_next') %}
    {% do run_query('create table ' ~ name ~ '_next using parquet as ' ~ select_sql) %}
    {% do run_query('drop table if exists ' ~ name) %}
    {% do run_query('alter table ' ~ name ~ '_next rename to ' ~ name) %}
{% endmacro %}


{#- Replace table `target` by table `source` (both schema-qualified) without copying rows. -#}
{% macro rename_scratch_table(source, target) %}
    {% do run_query('drop table if exists ' ~ target) %}
    {% do run_query('alter table ' ~ source ~ ' rename to ' ~ target.split('.')[-1]) %}
{% endmacro %}


{% macro drop_scratch_table(name) %}
    {% do run_query('drop table if exists ' ~ name) %}
{% endmacro %}
