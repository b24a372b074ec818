{#- `full_refresh` config of the histories (crosswalk, person changes): false while the pipeline rebuilds a
    warehouse published by other code (CUSTOMER360_KEEP_HISTORIES=true, customer360.pipeline), so that an
    upgrade keeps them; otherwise none, so that an explicit --full-refresh starts them again. -#}
{% macro keeps_history() %}
    {{ return(false if env_var('CUSTOMER360_KEEP_HISTORIES', 'false') == 'true' else none) }}
{% endmacro %}
