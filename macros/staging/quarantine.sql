{#- All reasons that apply, joined with '; ' (null when none): a row with any reason is quarantined
    (or, for data_issues, kept with the field nulled). `rules` is a list of (condition, reason). -#}
{% macro reasons(rules) -%}
    nullif(concat_ws('; '
        {%- for condition, reason in rules %},
        case when {{ condition }} then '{{ reason }}' end
        {%- endfor %}
    ), '')
{%- endmacro %}


{#- The declared columns of a raw source table, as written in its _sources.yml (none where the graph
    has no sources, as inside dbt unit tests). -#}
{% macro source_columns(source_name, table_name) %}
    {%- if execute -%}
        {%- for node in graph.get('sources', {}).values() -%}
            {%- if node.source_name == source_name and node.name == table_name -%}
                {{ return(node.columns.keys() | list) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return([]) }}
{% endmacro %}


{#- The raw row as a JSON object of its text values, kept with a quarantined row so nothing is lost. -#}
{% macro raw_record_json(source_name, table_name) %}
    {%- set columns = source_columns(source_name, table_name) -%}
    {%- if not columns -%}
        {{ return('cast(null as string)') }}
    {%- endif -%}
    {{ return(adapter.dispatch('raw_record_json', 'customer360')(columns)) }}
{% endmacro %}

{% macro default__raw_record_json(columns) -%}
    cast(to_json(struct_pack(
        {%- for column in columns %}
        {{ column }} := {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    )) as string)
{%- endmacro %}

{% macro spark__raw_record_json(columns) -%}
    to_json(named_struct(
        {%- for column in columns %}
        '{{ column }}', {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    ))
{%- endmacro %}


{#- Rank of a row among rows with the same key: 1 is kept, later ones are duplicates. The newest
    version wins when the table has one, otherwise the first row in file order (files sort in delivery order). -#}
{% macro duplicate_rank(key, version=none) -%}
    row_number() over (
        partition by {{ key }}
        order by {% if version %}{{ version }} desc nulls last, {% endif %}_source_file, _source_row
    )
{%- endmacro %}
