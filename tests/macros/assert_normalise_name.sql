-- Names are trimmed, white space collapsed, accents folded and lower-cased; blanks become null.
with

cases as (
    select * from (
        values
        ('  José ', 'jose'),
        ('ZOË', 'zoe'),
        ('van  der   Berg', 'van der berg'),
        ('Søren', 'søren'),
        ('O''Connor', 'o''connor'),
        ('   ', null),
        (null, null)
    ) as t (input_value, expected)  -- noqa: AL05
),

results as (
    select
        input_value,
        expected,
        {{ normalise_name('input_value') }} as actual
    from cases
)

select * from results
where actual is distinct from expected
