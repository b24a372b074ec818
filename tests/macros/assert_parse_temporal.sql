-- Dates and timestamps in the accepted formats parse (offsets converted to UTC); impossible or foreign
-- values become null.
with

date_cases as (
    select * from (
        values
        ('1985-02-14', date '1985-02-14'),
        ('14/02/1985', date '1985-02-14'),
        ('1985-02-14 00:00:00', date '1985-02-14'),  -- a Parquet TIMESTAMP column landed as text
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
        -- ISO 8601 as exports write it, and Parquet TIMESTAMP / TIMESTAMPTZ columns landed as text
        ('2024-03-01 10:15:00.5', timestamp '2024-03-01 10:15:00.5'),
        ('2024-03-01 10:15:00.123456', timestamp '2024-03-01 10:15:00.123456'),
        ('2024-03-01 10:15:00.123456789', timestamp '2024-03-01 10:15:00.123456'),  -- pandas' nanoseconds
        ('2024-03-01T10:15:00.1234567+01:00', timestamp '2024-03-01 09:15:00.123456'),
        ('2024-03-01T10:15:00', timestamp '2024-03-01 10:15:00'),
        ('2024-03-01T10:15:00Z', timestamp '2024-03-01 10:15:00'),
        ('2024-03-01T10:15:00.250Z', timestamp '2024-03-01 10:15:00.25'),
        ('2024-03-01 10:15:00+00', timestamp '2024-03-01 10:15:00'),
        ('2024-03-01T10:15:00+02:00', timestamp '2024-03-01 08:15:00'),
        ('2024-03-01T23:15:00-0130', timestamp '2024-03-02 00:45:00'),
        ('2024-03-01', null),  -- a date is no time of day
        ('2024-03-01T10:15', null),
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
