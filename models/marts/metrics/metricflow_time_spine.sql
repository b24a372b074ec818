{#- MetricFlow's daily time spine: every day the data can fall on (2000 to 2040). -#}
{{ date_spine('2000-01-01', '2040-12-31') }}
