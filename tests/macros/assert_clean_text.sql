-- clean_text trims, collapses every run of spaces, tabs and line breaks into one space, and turns blanks
-- into null; values without such a run skip the regular expression and must come out the same.
with

cases as (
    select * from (
        values
        ('plain', 'plain'),
        ('one space', 'one space'),
        ('  padded  ', 'padded'),
        ('two  spaces', 'two spaces'),
        ('tab' || chr(9) || 'here', 'tab here'),
        ('line' || chr(10) || 'feed', 'line feed'),
        ('carriage' || chr(13) || chr(10) || 'return', 'carriage return'),
        (chr(9) || ' lead and trail ' || chr(10), 'lead and trail'),
        ('   ', null),
        (chr(9) || chr(10), null),
        ('', null),
        (null, null)
    ) as t (input_value, expected)  -- noqa: AL05
),

{{ cases_where_actual_differs(clean_text('input_value')) }}
