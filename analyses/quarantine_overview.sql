-- What was quarantined, per raw table and reason: the first question after loading a new export.
-- Compile with `dbt compile -s quarantine_overview` and run the SQL in target/compiled/.
with

quarantine as (
    select * from {{ ref('stg_crm__quarantine') }}
    union all
    select * from {{ ref('stg_shop__quarantine') }}
    union all
    select * from {{ ref('stg_pos__quarantine') }}
    union all
    select * from {{ ref('stg_web__quarantine') }}
    union all
    select * from {{ ref('stg_marketing__quarantine') }}
    union all
    select * from {{ ref('stg_support__quarantine') }}
    union all
    select * from {{ ref('stg_consent__quarantine') }}
),

by_reason as (
    select
        source_table,
        quarantine_reason,
        count(*) as quarantined_rows,
        min(source_row) as first_source_row
    from quarantine
    group by source_table, quarantine_reason
)

select * from by_reason
order by source_table asc, quarantined_rows desc
