-- Rows through row_fingerprint and groups through set_fingerprint: returns the pairs that disagree with
-- whether they should match (equal inputs match, in any row order; shifted separators, nulls, a
-- repeated row and two texts that differ only in their 8th and 16th characters do not: DuckDB's hash()
-- alone gives that pair one value, see macros/utils/fingerprint.sql).
with

rows_in as (
    select * from (
        values
        ('same', 1, 'a|b', 'c'),
        ('same', 2, 'a|b', 'c'),
        ('shifted', 1, 'a', 'b|c'),
        ('null', 1, 'N', null),
        ('null', 2, null, 'N'),
        ('empty', 1, '', null),
        ('empty', 2, null, ''),
        ('near', 1, 'matthew.stevens_93@mail.example', 'c'),
        ('near', 2, 'matthew4stevens993@mail.example', 'c')
    ) as t (case_name, row_id, first_value, second_value)  -- noqa: AL05
),

fingerprinted as (
    select
        case_name,
        row_id,
        {{ row_fingerprint(['first_value', 'second_value']) }} as fingerprint
    from rows_in
),

row_pairs as (
    select
        first_row.case_name || ':' || first_row.row_id || ' vs ' || second_row.case_name || ':' || second_row.row_id as compared,
        first_row.fingerprint = second_row.fingerprint as is_match,
        first_row.case_name = 'same' and second_row.case_name = 'same' as should_match
    from fingerprinted as first_row
    inner join fingerprinted as second_row on first_row.case_name || first_row.row_id < second_row.case_name || second_row.row_id
),

members as (
    select * from (
        values
        ('forward', 'x'),
        ('forward', 'y'),
        ('forward', 'z'),
        ('backward', 'z'),
        ('backward', 'y'),
        ('backward', 'x'),
        ('fewer', 'x'),
        ('fewer', 'y'),
        ('repeated', 'x'),
        ('repeated', 'y'),
        ('repeated', 'z'),
        ('repeated', 'z'),
        ('near', 'x'),
        ('near', 'y'),
        ('near', 'z'),
        ('near_other', 'x'),
        ('near_other', 'y'),
        ('near_other', 'z'),
        ('near_other', 'matthew.stevens_93@mail.example'),
        ('near', 'matthew4stevens993@mail.example')
    ) as t (group_name, member)  -- noqa: AL05
),

member_groups as (
    select
        group_name,
        {{ set_fingerprint(row_fingerprint(['member'])) }} as fingerprint
    from members
    group by group_name
),

group_pairs as (
    select
        first_row.group_name || ' vs ' || second_row.group_name as compared,
        first_row.fingerprint = second_row.fingerprint as is_match,
        first_row.group_name in ('forward', 'backward') and second_row.group_name in ('forward', 'backward') as should_match
    from member_groups as first_row
    inner join member_groups as second_row on first_row.group_name < second_row.group_name
)

select * from row_pairs
where is_match is distinct from should_match
union all
select * from group_pairs
where is_match is distinct from should_match
