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

{{ cases_where_actual_differs(normalise_name('input_value')) }}
