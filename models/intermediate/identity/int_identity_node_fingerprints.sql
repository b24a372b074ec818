{#- Every graph node with a fingerprint of what its component's clusters depend on through it: its own
    attributes, its incident edges with their weights, and the guard's vars (macro node_fingerprints_sql).
    int_identity_clusters compares them with the fingerprints it stored to find the components to cluster
    again. A model of its own, so that the clustering's time is the clustering's (the identity benchmark
    compares it with scipy). -#}
{{ node_fingerprints_sql(ref('int_identity_graph_nodes'), ref('int_identity_graph_edges')) }}
