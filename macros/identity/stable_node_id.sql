{#- A graph node's id: a 64-bit hash of its key, so the same node has the same id in every run and a model
    can compute the id of a key without joining the nodes (int_identity_graph_edges joined 4.4M edges
    twice to 5.1M node keys to number them). A collision would merge two nodes: the primary-key test on
    int_identity_graph_nodes.node_id fails the build instead, which a 64-bit hash makes a 2^-64 chance per
    pair. DuckDB's hash() alone collides on text (250 pairs of the 1M graph's node keys; see
    macros/utils/fingerprint.sql), so the key goes through md5 first; the top bit is dropped to fit a bigint. -#}
{% macro stable_node_id(expression) %}
    {{ return(adapter.dispatch('stable_node_id', 'customer360')(expression)) }}
{% endmacro %}

{% macro default__stable_node_id(expression) -%}
    cast(hash(md5_number({{ expression }})) >> 1 as bigint)
{%- endmacro %}

{% macro spark__stable_node_id(expression) -%}
    xxhash64({{ expression }})
{%- endmacro %}
