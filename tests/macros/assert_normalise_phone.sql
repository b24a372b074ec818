-- Phone numbers in the formats people type, to E.164 with default country GB; junk becomes null.
with

cases as (
    select * from (
        values
        ('07700 900123', '+447700900123'),
        ('07700900123', '+447700900123'),
        ('+44 7700 900123', '+447700900123'),
        ('+447700900123', '+447700900123'),
        ('0044 7700 900123', '+447700900123'),
        ('(07700) 900-123', '+447700900123'),
        ('+44 (0) 7700 900123', '+447700900123'),
        ('7700900123', '+447700900123'),
        ('447700900123', '+447700900123'),  -- calling code without "+", as a numeric column stores it
        ('44 1632 960983', '+441632960983'),
        ('1632960983', '+441632960983'),
        ('+33 6 12 34 56 78', '+33612345678'),
        ('0000000000', null),
        ('12345', null),
        ('call me', null),
        ('', null),
        (null, null)
    ) as t (input_value, expected)  -- noqa: AL05
),

{{ cases_where_actual_differs(normalise_phone('input_value')) }}
