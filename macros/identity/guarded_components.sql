{#- Identity clusters: connected components of the identity graph, then the chaining guard.

    A component is suspect when its records carry more than one birth date (a day/month swap is the
    same date) or more named records than var identity_max_named_records. For each threshold of
    var identity_guard_weight_ladder in turn, suspect components lose their fuzzy edges below that
    match weight and are re-clustered; identifier edges are never cut (screening already refused
    the identifiers that merge strangers). A component still suspect after the last rung keeps
    guard_status 'unresolved' for review.

    Only the nodes of suspect components change, so the rungs work on those alone: table
    <this>__guarded holds their new component and the reason their first component was suspect, and
    only its components are checked again. The whole graph is read once for the first check and
    once for the final select.

    Returns the select of the final state: node_id, unguarded_component_id, component_id,
    guard_reason (why the original component was suspect), guard_status. -#}
{% macro guarded_components(nodes_relation, edges_relation) %}
    {%- if not (execute and flags.WHICH in ('run', 'build', 'retry')) -%}
        select
            cast(null as bigint) as node_id,
            cast(null as bigint) as unguarded_component_id,
            cast(null as bigint) as component_id,
            cast(null as string) as guard_reason,
            cast(null as string) as guard_status
        where 1 = 0
    {%- else -%}
        {%- set prefix = this.schema ~ '.' ~ this.identifier ~ '__' -%}
        {%- set unguarded = prefix ~ 'pass0_labels' -%}
        {%- set guarded = prefix ~ 'guarded' -%}
        {%- set suspects = prefix ~ 'suspects' -%}
        {%- set max_iterations = var('identity_max_iterations') | int -%}

        {% do customer360.connected_components(
            prefix ~ 'pass0', 'select node_id from ' ~ nodes_relation,
            'select node_a, node_b from ' ~ edges_relation, max_iterations) %}
        {% do customer360.create_scratch_table(suspects, customer360.guard_suspects_sql(unguarded, nodes_relation)) %}
        {% do customer360.create_scratch_table(guarded,
            'select node_id, component_id, cast(null as string) as guard_reason from ' ~ unguarded ~ ' where 1 = 0') %}

        {%- for threshold in var('identity_guard_weight_ladder') -%}
            {%- set suspect_count = run_query('select count(*) from ' ~ suspects).columns[0].values()[0] -%}
            {%- if suspect_count > 0 -%}
                {%- set pass = prefix ~ 'pass' ~ loop.index -%}
                {%- set current = unguarded if loop.first else guarded -%}
                {%- set suspect_nodes -%}
                    select s.node_id from {{ current }} as s
                    inner join {{ suspects }} as x on s.component_id = x.component_id
                {%- endset -%}
                {%- set kept_edges -%}
                    select e.node_a, e.node_b from {{ edges_relation }} as e
                    inner join ({{ suspect_nodes }}) as a on e.node_a = a.node_id
                    inner join ({{ suspect_nodes }}) as b on e.node_b = b.node_id
                    where e.match_weight is null or e.match_weight >= {{ threshold }}
                {%- endset -%}
                {% do customer360.connected_components(pass, suspect_nodes, kept_edges, max_iterations) %}
                {%- if loop.first -%}
                    {%- set next_guarded -%}
                        select s.node_id, p.component_id, x.reason as guard_reason
                        from {{ unguarded }} as s
                        inner join {{ suspects }} as x on s.component_id = x.component_id
                        inner join {{ pass }}_labels as p on s.node_id = p.node_id
                    {%- endset -%}
                {%- else -%}
                    {%- set next_guarded -%}
                        select g.node_id, coalesce(p.component_id, g.component_id) as component_id, g.guard_reason
                        from {{ guarded }} as g
                        left join {{ pass }}_labels as p on g.node_id = p.node_id
                    {%- endset -%}
                {%- endif -%}
                {% do customer360.create_scratch_table(guarded ~ '_next', next_guarded) %}
                {% do customer360.rename_scratch_table(guarded ~ '_next', guarded) %}
                {% do customer360.drop_scratch_table(pass ~ '_labels') %}
                {% do log('identity guard: ' ~ suspect_count ~ ' suspect components re-clustered without fuzzy edges below '
                    ~ threshold, info=true) %}
                {% do customer360.create_scratch_table(suspects, customer360.guard_suspects_sql(guarded, nodes_relation)) %}
            {%- endif -%}
        {%- endfor -%}
        select
            u.node_id,
            u.component_id as unguarded_component_id,
            coalesce(g.component_id, u.component_id) as component_id,
            g.guard_reason,
            case
                when x.component_id is not null then 'unresolved'
                when g.guard_reason is not null then 'split'
                else 'clean'
            end as guard_status
        from {{ unguarded }} as u
        left join {{ guarded }} as g on u.node_id = g.node_id
        left join {{ suspects }} as x on g.component_id = x.component_id
    {%- endif -%}
{% endmacro %}


{#- The components of `assignment` (node_id, component_id) that the guard must split, with the reason. -#}
{% macro guard_suspects_sql(assignment, nodes_relation) %}
    {%- set max_named = var('identity_max_named_records') | int -%}
    select
        s.component_id,
        case
            when count(distinct n.birth_key) > 1
                then cast(count(distinct n.birth_key) as string) || ' different birth dates'
            else cast(sum(case when n.is_named_record then 1 else 0 end) as string)
                || ' named records, above the cap of {{ max_named }}'
        end as reason
    from {{ assignment }} as s
    inner join {{ nodes_relation }} as n on s.node_id = n.node_id
    {#- only records with a birth date or a name can make a component suspect; most nodes have neither #}
    where n.birth_key is not null or n.is_named_record
    group by s.component_id
    having
        count(distinct n.birth_key) > 1
        or sum(case when n.is_named_record then 1 else 0 end) > {{ max_named }}
{%- endmacro %}
