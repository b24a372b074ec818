-- Good and bad emails through normalise_email and canonical_email; returns the cases that disagree.
with

cases as (
    select * from (
        values
        ('  Jane.Doe@Example.COM ', 'jane.doe@example.com', 'jane.doe@example.com'),
        ('j.a.n.e+shop@googlemail.com', 'j.a.n.e+shop@googlemail.com', 'jane@gmail.com'),
        ('JANE.DOE+42@GMAIL.COM', 'jane.doe+42@gmail.com', 'janedoe@gmail.com'),
        ('john+news@outlook.com', 'john+news@outlook.com', 'john@outlook.com'),
        ('first.last@btinternet.com', 'first.last@btinternet.com', 'first.last@btinternet.com'),
        ('john.smith@@gmail.com', null, null),
        ('jane.doe gmail.com', null, null),
        ('bob@', null, null),
        ('@hotmail.co.uk', null, null),
        ('mary.jones@gmail', null, null),
        ('', null, null),
        (null, null, null)
    ) as t (input_value, expected_normalised, expected_canonical)  -- noqa: AL05
),

results as (
    select
        input_value,
        expected_normalised,
        expected_canonical,
        {{ normalise_email('input_value') }} as actual_normalised,
        {{ canonical_email(normalise_email('input_value')) }} as actual_canonical
    from cases
)

select * from results
where
    actual_normalised is distinct from expected_normalised
    or actual_canonical is distinct from expected_canonical
