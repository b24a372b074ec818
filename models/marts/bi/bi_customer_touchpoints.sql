{#- The journey timeline for BI tools: person and source keys pseudonymised as the column tags of
    fct_customer_touchpoints say (macro bi_safe_select). -#}
{{ bi_safe_select('fct_customer_touchpoints') }}
