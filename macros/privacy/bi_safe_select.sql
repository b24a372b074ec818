{#- The BI-facing projection of a mart, driven by the column tags in its yml (not by a hand-kept list):
    - `meta: {pii: true}` columns are pseudonymised (salted SHA-256, same salt everywhere, so BI can still
      count and join on them) unless `pii_treatment` says otherwise:
        age_band          -> <name>_age_band from the birth date as of the row's as_of_date (or today)
        postcode_area     -> <name>_area, the letters before the first digit (SW1A 1AA -> SW)
        drop              -> left out;
    - generalised columns and `meta: {quasi_identifier: true}` columns are quasi-identifiers: a row
      whose combination of them is shared by fewer than var bi_k_anonymity persons has all of them
      suppressed (null), so every published combination describes at least k persons.
    Untagged columns pass through unchanged.
    A projection of every column of a model (its contract is enforced, so the yml lists them all) without
    quasi-identifiers or dropped columns maps each row to one row, and equal images mean equal rows. Its
    CTE is then named `row_wise`, which tells the BI file's writer that it may carry the table forward and
    apply only the changed rows (customer360.bi_file). -#}
{% macro bi_safe_select(model_name) %}
    {%- if not execute -%}
        {#- Parsing: the graph is not built yet; the ref alone records the dependency. -#}
        {{ return('select * from ' ~ ref(model_name)) }}
    {%- endif -%}
    {%- set node = graph.nodes['model.customer360.' ~ model_name] -%}
    {%- set k = var('bi_k_anonymity') -%}
    {%- set plain = [] -%}
    {%- set quasi = [] -%}
    {%- set dropped = [] -%}
    {%- for name, column in node.columns.items() -%}
        {%- set meta = column.meta or {} -%}
        {%- set treatment = meta.get('pii_treatment', 'pseudonymise') if meta.get('pii') else none -%}
        {%- if treatment == 'age_band' -%}
            {%- do quasi.append((age_band(name, 'as_of_date' if 'as_of_date' in node.columns else 'current_date'), name ~ '_age_band')) -%}
        {%- elif treatment == 'postcode_area' -%}
            {%- do quasi.append(("nullif(regexp_extract(upper(" ~ name ~ "), '^[A-Z]+', 0), '')", name ~ '_area')) -%}
        {%- elif treatment == 'drop' -%}
            {%- do dropped.append(name) -%}
        {%- elif treatment == 'pseudonymise' -%}
            {%- do plain.append((pseudonymise(name), name)) -%}
        {%- elif treatment is none and meta.get('quasi_identifier') -%}
            {%- do quasi.append((name, name)) -%}
        {%- elif treatment is none -%}
            {%- do plain.append((name, name)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set whole_rows = node.config.contract.enforced and not quasi and not dropped -%}
    {%- set cte = 'row_wise' if whole_rows else 'generalised' -%}
    with

    {{ cte }} as (
        select
            {% for expression, alias in plain + quasi -%}
            {{ expression }} as {{ alias }}{% if not loop.last %},{% endif %}
            {% endfor %}
        from {{ ref(model_name) }}
    ){% if quasi %},

    cell_sizes as (
        select
            *,
            count(*) over (partition by {% for _, alias in quasi %}{{ alias }}{% if not loop.last %}, {% endif %}{% endfor %}) as quasi_identifier_cell_size
        from generalised
    ),

    suppressed as (
        select
            {% for _, alias in plain -%}
            {{ alias }},
            {% endfor -%}
            {% for _, alias in quasi -%}
            case when quasi_identifier_cell_size >= {{ k }} then {{ alias }} end as {{ alias }}{% if not loop.last %},{% endif %}
            {% endfor %}
        from cell_sizes
    )

    select * from suppressed
    {%- else %}

    select * from {{ cte }}
    {%- endif %}
{% endmacro %}


{#- Ten-year age band of a birth date on a reference date ('under 18', '18-24', '25-34', ..., '75+'). -#}
{% macro age_band(birth_date, reference_date) -%}
    {%- set bands = [(18, 'under 18'), (25, '18-24'), (35, '25-34'), (45, '35-44'), (55, '45-54'), (65, '55-64'), (75, '65-74')] -%}
    case
        when {{ birth_date }} is null then null
        {% for upper_age, label in bands -%}
        when {{ days_between(birth_date, reference_date) }} < {{ upper_age }} * 365.25 then '{{ label }}'
        {% endfor -%}
        else '75+'
    end
{%- endmacro %}
