-- identifier_normalised gives the same normal form whether it tests the email pattern itself or is
-- handed the pattern's result (email_normalised_if), as the erasure filter and the consent events do.
with

cases as (
    select * from (
        values
        ('email', ' J.A.N.E+shop@GoogleMail.com ', 'jane@gmail.com'),
        ('email', 'john+news@outlook.com', 'john@outlook.com'),
        ('email', 'not an email', null),
        ('phone', '07700 900123', '+447700900123'),
        ('phone', 'john+news@outlook.com', null),
        ('crm_contact_id', '  C-1  ', 'C-1'),
        ('shop_account_id', 'A' || chr(9) || '7', 'A 7'),
        ('cookie_id', 'ck-1', null),
        (null, 'x@y.com', null)
    ) as t (identifier_type, input_value, expected)  -- noqa: AL05
),

prepared as (
    select
        *,
        {{ email_normalised_if('identifier_type', 'input_value') }} as email_normalised
    from cases
),

results as (
    select
        identifier_type,
        input_value,
        expected,
        {{ identifier_normalised('identifier_type', 'input_value') }} as actual_direct,
        {{ identifier_normalised('identifier_type', 'input_value', 'email_normalised') }} as actual_prepared
    from prepared
)

select * from results
where actual_direct is distinct from expected or actual_prepared is distinct from expected
