-- Dates and timestamps in the accepted formats parse; impossible or foreign values become null.
with

date_cases as (
    select * from (
        values
        ('1985-02-14', date '1985-02-14'),
        ('14/02/1985', date '1985-02-14'),
        (' 1985-02-14 ', date '1985-02-14'),
        ('1985-02-30', null),
        ('00/00/0000', null),
        ('19850101x', null),
        ('unknown', null),
        (null, null)
    ) as t (input_value, expected)  -- noqa: AL05
),

timestamp_cases as (
    select * from (
        values
        ('2024-03-01 10:15:00', timestamp '2024-03-01 10:15:00'),
        ('2024-13-45 25:61:00', null),
        ('N/A', null),
        ('31/31/2024', null)
    ) as t (input_value, expected)  -- noqa: AL05
),

date_results as (
    select
        input_value,
        cast(expected as timestamp) as expected,
        cast({{ parse_date('input_value', ['%Y-%m-%d', '%d/%m/%Y']) }} as timestamp) as actual
    from date_cases
),

timestamp_results as (
    select
        input_value,
        expected,
        {{ parse_timestamp('input_value') }} as actual
    from timestamp_cases
),

results as (
    select * from date_results
    union all
    select * from timestamp_results
)

select * from results
where actual is distinct from expected
