{#- Which person an email or phone reaches, for events that carry nothing else (campaign sends,
    opens, clicks; consent given through an email or phone). It reaches a person when screening
    linked it (not junk, not over its cap) and all its holders resolved to one person; a household
    mailbox or landline shared by several persons is ambiguous and reaches nobody. -#}
with

screened as (
    select * from {{ ref('int_identity_identifiers_screened') }}
),

assignments as (
    select * from {{ ref('int_identity_persons_assigned') }}
),

holders as (
    select
        screened.identifier_type,
        screened.identifier_value,
        assignments.person_id
    from screened
    inner join assignments on screened.record_key = assignments.record_key
    where
        screened.identifier_type in ('email', 'phone')
        and screened.screening_action <> 'dropped'
        and not assignments.is_anonymous_person
),

contact_points as (
    select
        identifier_type,
        identifier_value,
        min(person_id) as person_id
    from holders
    group by identifier_type, identifier_value
    {# One person: the least and the greatest agree (a count distinct cost 1.5 s more at 1M people). #}
    having min(person_id) = max(person_id)
)

select * from contact_points
