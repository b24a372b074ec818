{#- Connected components of the identity graph with the chaining guard applied (see the macro
    guarded_components). Built by a loop of SQL statements, so its scratch tables are dropped
    afterwards. -#}
{{ config(post_hook=[
    "drop table if exists {{ this.schema }}.{{ this.identifier }}__pass0_labels",
    "drop table if exists {{ this.schema }}.{{ this.identifier }}__guarded",
    "drop table if exists {{ this.schema }}.{{ this.identifier }}__suspects",
]) }}

{{ guarded_components(ref('int_identity_graph_nodes'), ref('int_identity_graph_edges')) }}
