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

{#- Post-hook of an incremental model that writes tombstones: rows whose `key` is null, standing for a group
    (a screened identifier value) whose every row must go. delete+insert on the group deletes the stored
    rows; this deletes the tombstone. A full build writes none and runs nothing. -#}
{% macro delete_tombstones(key) %}
    {%- if is_incremental() -%}
        {{ adapter.dispatch('delete_where', 'customer360')(this, key ~ ' is null') }}
    {%- else -%}
        select 1
    {%- endif -%}
{% endmacro %}
