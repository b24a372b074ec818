{#- The records the probabilistic matcher compares: those with a name (CRM contacts, shop accounts,
    support tickets). Guest orders and cookies have no name to compare and are linked only through
    identifiers. An email or phone that screening dropped (junk, over its cap) is hidden from the
    matcher too, so test@test.com cannot look like evidence. -#}
with

records as (
    select * from {{ ref('int_identity_records_screened') }}
),

matchable as (
    select
        record_key,
        first_name_normalised as first_name,
        last_name_normalised as last_name,
        birth_date,
        usable_email_canonical as email,
        usable_phone as phone,
        postcode
    from records
    where first_name_normalised is not null or last_name_normalised is not null
)

select * from matchable
