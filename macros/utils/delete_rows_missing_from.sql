{#- Pre-hook of an incremental model keyed like its parent: delete the rows whose key the parent no
    longer holds (the golden record of a person merged away, split or erased), which delete+insert alone
    never removes. `parent` is a relation or an aliased subquery. Nothing to do on a first or full build. -#}
{% macro delete_rows_missing_from(parent, key) %}
    {%- if is_incremental() -%}
        {{ adapter.dispatch('delete_where', 'customer360')(this, key ~ ' not in (select ' ~ key ~ ' from ' ~ parent ~ ' where ' ~ key ~ ' is not null)') }}
    {%- else -%}
        select 1
    {%- endif -%}
{% endmacro %}
