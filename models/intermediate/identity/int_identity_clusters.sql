{#- Connected components of the identity graph with the chaining guard applied (see the macro
    guarded_components). Built by a loop of SQL statements, so its scratch tables are dropped
    afterwards.

    Incremental on DuckDB, and equal to a full refresh (tests/python/test_incremental.py): a run clusters
    again only the touched components (macros/identity/touched_components.sql, by the fingerprints of
    int_identity_node_fingerprints), whose rows it replaces (delete+insert on node_id); a node gone from the
    graph is written as a tombstone (a row without component_id) that the post-hook deletes. _written_at
    tells the person assignment which components were rewritten. A daily run at 1M people clustered 179k of
    its 5.1M nodes again. Spark keeps it a table. -#}
{{ config(
    materialized=upsert_materialization(),
    unique_key='node_id',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook=[
        "{{ delete_tombstones('component_id') }}",
        "drop table if exists {{ this.schema }}.{{ this.identifier }}__pass0_labels",
        "drop table if exists {{ this.schema }}.{{ this.identifier }}__guarded",
        "drop table if exists {{ this.schema }}.{{ this.identifier }}__suspects",
        "drop table if exists {{ this.schema }}.{{ this.identifier }}__subgraph_nodes",
        "drop table if exists {{ this.schema }}.{{ this.identifier }}__subgraph_edges",
    ],
) }}
{%- set scratch = this.schema ~ '.' ~ this.identifier ~ '__' %}
{%- set nodes = ref('int_identity_graph_nodes') -%}
{%- set edges = ref('int_identity_graph_edges') -%}
{%- set fingerprints = ref('int_identity_node_fingerprints') -%}
{%- set per_component = stored_table_has_column('node_fingerprint') -%}
{%- if execute and flags.WHICH in ('run', 'build', 'retry') -%}
    {%- if per_component -%}
        {% do create_scratch_table(scratch ~ 'subgraph_nodes',
            'select * from ' ~ nodes ~ ' where node_id in (' ~ touched_nodes_sql(fingerprints, this) ~ ')') %}
        {#- the set is closed under the edges, so an edge from one of its nodes stays inside it -#}
        {% do create_scratch_table(scratch ~ 'subgraph_edges',
            'select * from ' ~ edges ~ ' where node_a in (select node_id from ' ~ scratch ~ 'subgraph_nodes)') %}
        {%- set nodes = scratch ~ 'subgraph_nodes' -%}
        {%- set edges = scratch ~ 'subgraph_edges' -%}
    {%- endif -%}
{%- endif -%}
with

guarded as (
    {{ guarded_components(nodes, edges) }}
),

fingerprints as (
    select * from {{ fingerprints }}
),

clustered as (
    select
        guarded.node_id,
        guarded.unguarded_component_id,
        guarded.component_id,
        guarded.guard_reason,
        guarded.guard_status,
        fingerprints.node_fingerprint,
        {{ run_started_timestamp() }} as _written_at
    from guarded
    inner join fingerprints on guarded.node_id = fingerprints.node_id
)

{%- if is_incremental() %}
    ,

    tombstones as (
        select
            stored_rows.node_id,
            cast(null as bigint) as unguarded_component_id,
            cast(null as bigint) as component_id,
            cast(null as string) as guard_reason,
            cast(null as string) as guard_status,
            cast(null as ubigint) as node_fingerprint,
            {{ run_started_timestamp() }} as _written_at
        from {{ this }} as stored_rows
        where stored_rows.node_id not in (select fingerprints.node_id from fingerprints)
    )

    select * from clustered
    union all
    select * from tombstones
{%- else %}

    select * from clustered
{%- endif %}
