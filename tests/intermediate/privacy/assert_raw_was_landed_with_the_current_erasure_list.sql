{#- Fails when the erasure list grew after this build landed the raw files: the rows of the newly erased
    persons were landed before the list knew them, so every relation built from them still holds them.
    `customer360 run` (and the Dagster job) handles that itself with a second build, and sets
    CUSTOMER360_ERASURE_LIST_GROWTH_SEVERITY=warn for its first; a `dbt build` by hand fails here instead of
    passing with erased persons' data in the marts. Run `dbt build` once more: its landing then leaves the
    rows out. raw._landing_erasure_list holds the list's row count the landing used (macro
    register_raw_sources); the list only ever grows, so equal counts mean the same list. -#}
{{ config(severity=env_var('CUSTOMER360_ERASURE_LIST_GROWTH_SEVERITY', 'error')) }}
with

suppressions as (
    select count(*) as list_rows from {{ ref('int_privacy_erasure_suppressions') }}
),

landing as (
    select erasure_rows from raw._landing_erasure_list
),

grown as (
    select
        landing.erasure_rows as rows_when_landed,
        suppressions.list_rows as rows_now,
        'the erasure list grew after the raw files were landed: run dbt build again' as remedy
    from landing
    cross join suppressions
    where landing.erasure_rows <> suppressions.list_rows
)

select * from grown
