{#- Connected components of a graph by label propagation with pointer jumping, in plain SQL.

    Each round gives every node the smallest label among itself and its neighbours, then the label
    of that label (pointer jumping), which halves path lengths and converges in a few rounds even
    on long chains. The loop stops when no label changes; if that has not happened within
    max_iterations rounds the build fails loudly rather than publish half-merged persons.

    nodes_sql: a select with column node_id (bigint); edges_sql: a select with node_a, node_b.
    Creates table <prefix>_labels(node_id, component_id, ...); component_id is the smallest node id
    of the component. Scratch tables live beside the model and are dropped by the caller.
    Only runs when dbt executes (run/build); other commands get an empty placeholder. -#}
{% macro connected_components(prefix, nodes_sql, edges_sql, max_iterations) %}
    {{ return(adapter.dispatch('connected_components', 'customer360')(prefix, nodes_sql, edges_sql, max_iterations)) }}
{% endmacro %}

{% macro default__connected_components(prefix, nodes_sql, edges_sql, max_iterations) %}
    {%- set edges = prefix ~ '_edges' -%}
    {%- set labels = prefix ~ '_labels' -%}
    {%- set candidate = prefix ~ '_candidate' -%}
    {#- Both directions once, so each round is one join and one group-by. -#}
    {% do customer360.create_scratch_table(edges,
        'select node_a, node_b from (' ~ edges_sql ~ ') as e where node_a <> node_b '
        ~ 'union all select node_b, node_a from (' ~ edges_sql ~ ') as e where node_a <> node_b') %}
    {% do customer360.create_scratch_table(labels, 'select node_id, node_id as component_id from (' ~ nodes_sql ~ ') as n') %}
    {%- set ns = namespace(converged=false, rounds=0) -%}
    {%- for round in range(max_iterations) if not ns.converged -%}
        {%- set step_sql -%}
            with
            neighbour_minimum as (
                select e.node_b as node_id, min(l.component_id) as component_id from {{ edges }} as e
                inner join {{ labels }} as l on e.node_a = l.node_id
                group by e.node_b
            ),
            propagated as (
                select l.node_id, least(l.component_id, coalesce(n.component_id, l.component_id)) as component_id
                from {{ labels }} as l
                left join neighbour_minimum as n on l.node_id = n.node_id
            )
            select
                p.node_id,
                least(p.component_id, coalesce(q.component_id, p.component_id)) as component_id,
                o.component_id as previous_component_id
            from propagated as p
            left join propagated as q on p.component_id = q.node_id
            inner join {{ labels }} as o on p.node_id = o.node_id
        {%- endset -%}
        {% do customer360.create_scratch_table(candidate, step_sql) %}
        {%- set changed = run_query(
            'select count(*) from ' ~ candidate ~ ' where component_id <> previous_component_id'
        ).columns[0].values()[0] -%}
        {% do customer360.rename_scratch_table(candidate, labels) %}
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
    {% do log('connected components of ' ~ prefix ~ ' converged in ' ~ ns.rounds ~ ' rounds', info=true) %}
    {% do customer360.drop_scratch_table(edges) %}
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
