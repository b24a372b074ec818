{#- Pre-hook of the append-only histories (crosswalk, person changes): delete the rows of erased
    persons before this run appends, because a history is never rebuilt and would otherwise keep them.
    record_key_columns hold identity record keys, person_id_columns hold person ids. -#}
{% macro purge_erased(record_key_columns=[], person_id_columns=[]) %}
    {%- set suppressions = adapter.get_relation(database=target.database, schema='intermediate', identifier='int_privacy_erasure_suppressions') -%}
    {%- set existing = adapter.get_relation(database=this.database, schema=this.schema, identifier=this.identifier) -%}
    {%- if suppressions is none or existing is none -%}
        select 1
    {%- else -%}
        {%- set checks = [] -%}
        {%- for column in record_key_columns -%}{%- do checks.append(record_key_erasure_hash(column)) -%}{%- endfor -%}
        {%- for column in person_id_columns -%}{%- do checks.append(erasure_hash("'person_id'", column)) -%}{%- endfor -%}
        delete from {{ this }}
        where
        {% for check in checks -%}
            coalesce({{ check }}, '') in (select identifier_hash from {{ suppressions }}){% if not loop.last %} or {% endif %}
        {% endfor %}
    {%- endif -%}
{% endmacro %}
