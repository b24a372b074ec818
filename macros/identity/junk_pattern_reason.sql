{#- The reason of the first junk pattern (seed junk_identifiers, match_type 'pattern') that an
    identifier matches, or null. The patterns are read from the seed when the model runs and
    written into the SQL as literals: a regular expression taken from a column would be compiled
    again for every row, which cost seconds per 100k identifiers. Before the seed exists (parsing,
    linting a fresh clone) and inside dbt unit tests (whose refs are fixtures) it renders a null,
    so unit tests exercise the exact-value rules only. -#}
{% macro junk_pattern_reason(type_expression, value_expression) %}
    {%- set in_unit_test = model is mapping and model.get('resource_type') == 'unit_test' -%}
    {%- set seed_relation = load_relation(ref('junk_identifiers')) if execute and not in_unit_test else none -%}
    {%- if seed_relation is not none -%}
        {%- set rules = run_query(
            "select identifier_type, identifier_pattern, reason from " ~ ref('junk_identifiers')
            ~ " where match_type = 'pattern' order by identifier_type, identifier_pattern"
        ) -%}
    {%- endif -%}
    {%- if seed_relation is not none and rules.rows | length > 0 -%}
        case
        {%- for rule in rules.rows %}
            when {{ type_expression }} = '{{ rule[0] }}'
                and {{ regex_matches(value_expression, rule[1] | replace("'", "''")) }}
                then '{{ rule[2] | replace("'", "''") }}'
        {%- endfor %}
        end
    {%- else -%}
        cast(null as string)
    {%- endif -%}
{% endmacro %}
