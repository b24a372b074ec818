{#- customer_360 for BI tools: PII pseudonymised or generalised and quasi-identifiers k-anonymised,
    as the column tags of customer_360 say (macro bi_safe_select). -#}
{{ bi_safe_select('customer_360') }}
