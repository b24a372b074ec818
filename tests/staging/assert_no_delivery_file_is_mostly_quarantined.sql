{#- A delivered file whose rows are mostly quarantined is a broken export, not a few bad rows: a renamed
    column, a new date format, another encoding of amounts. Quarantining every row of it keeps the build
    green, and the published warehouse would silently lose a day of orders. So a file (of at least var
    quarantine_min_rows rows) of which more than var max_quarantine_share is quarantined fails the build,
    and nothing is published. One row per such file, with its most frequent reason. The demo's files lose
    under 1%. Rows quarantined only as a repeated key are not counted: a superseded version of a contact or
    a re-sent file is the same records again, not a broken one. Erasure requests are left out: a request
    that cannot be used is resolved by hand, whatever the share. In a daily pipeline run the append-only
    facts check the files the landing just read. -#}
{%- set tables = [
    ('crm', 'contacts', none),
    ('shop', 'accounts', none),
    ('shop', 'orders', 'shop__orders'),
    ('shop', 'order_lines', 'shop__order_lines'),
    ('pos', 'transactions', 'pos__transactions'),
    ('web', 'events', 'web__events'),
    ('marketing', 'email_events', 'marketing__email_events'),
    ('support', 'tickets', none),
    ('consent', 'consent_events', 'consent__consent_events'),
] %}

with

raw_files as (
    {% for source_name, table_name, landed_from in tables -%}
        select
            '{{ source_name }}.{{ table_name }}' as source_table,
            _source_file as source_file,
            count(*) as raw_rows
        from {{ source(source_name, table_name) }}
        where {{ customer360.landed_now('_source_file', landed_from) }}
        group by _source_file
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

quarantined_rows as (
    {% for source_name in tables | map(attribute=0) | unique -%}
        select
            source_table,
            source_file,
            quarantine_reason
        from {{ ref('stg_' ~ source_name ~ '__quarantine') }}
        where not (quarantine_reason like 'duplicate %' and quarantine_reason not like '%;%')
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

quarantined_files as (
    select
        source_table,
        source_file,
        count(*) as quarantined_rows,
        mode(quarantine_reason) as most_frequent_reason
    from quarantined_rows
    group by source_table, source_file
)

select
    raw_files.source_table,
    raw_files.source_file,
    raw_files.raw_rows,
    quarantined_files.quarantined_rows,
    quarantined_files.most_frequent_reason
from raw_files
inner join quarantined_files
    on
        raw_files.source_table = quarantined_files.source_table
        and raw_files.source_file = quarantined_files.source_file
where
    raw_files.raw_rows >= {{ var('quarantine_min_rows') }}
    and quarantined_files.quarantined_rows > {{ var('max_quarantine_share') }} * raw_files.raw_rows
