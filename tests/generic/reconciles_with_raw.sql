{#- No row is silently lost or counted twice: every row of one raw table (by its file and row number) is
    either staged or quarantined, exactly once, and nothing staged or quarantined comes from elsewhere.
    Returns one row per raw row that does not balance, with the problem. Matching rows, not counts, also
    proves every staged row carries its _source_file and _source_row. The file is part of the row's
    identity: a table delivered as a folder of files repeats row numbers across its files. -#}
{% test reconciles_with_raw(model, raw_relation, quarantine, source_table) %}

with

raw_rows as (
    select
        _source_file as source_file,
        _source_row as source_row
    from {{ raw_relation }}
),

accounted as (
    select
        source_file,
        source_row,
        count(*) as times_accounted
    from (
        select
            _source_file as source_file,
            _source_row as source_row
        from {{ model }}
        union all
        select
            source_file,
            source_row
        from {{ quarantine }}
        where source_table = '{{ source_table }}'
    ) as staged_or_quarantined
    group by source_file, source_row
),

unbalanced as (
    select
        coalesce(raw_rows.source_file, accounted.source_file) as source_file,
        coalesce(raw_rows.source_row, accounted.source_row) as source_row,
        case
            when accounted.source_row is null then 'in the raw file but neither staged nor quarantined'
            when raw_rows.source_row is null then 'staged or quarantined but not in the raw file'
            else 'staged or quarantined ' || accounted.times_accounted || ' times'
        end as problem
    from raw_rows
    full outer join accounted
        on
            raw_rows.source_file = accounted.source_file
            and raw_rows.source_row = accounted.source_row
    where
        accounted.source_row is null
        or raw_rows.source_row is null
        or accounted.times_accounted > 1
)

select * from unbalanced

{% endtest %}
