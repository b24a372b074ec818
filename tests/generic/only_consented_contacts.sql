{#- An audience row is a leak when its person has no current grant for the purpose on the row's
    channel in int_consent_state (deny by default: no state row is no grant), or when the contact point
    is not the person's own email / phone on that channel. Checked against the consent state directly,
    not through int_consent_reachable_channels, so a broken enforcement model is caught too. -#}
{% test only_consented_contacts(model, purpose, channel_column='audience_channel') %}

with

audience as (
    select * from {{ model }}
),

consent as (
    select * from {{ ref('int_consent_state') }}
    where purpose = '{{ purpose }}' and is_granted
),

customers as (
    select * from {{ ref('customer_360') }}
),

leaks as (
    select
        audience.person_id,
        audience.{{ channel_column }} as channel,
        audience.contact_point
    from audience
    left join consent
        on audience.person_id = consent.person_id and audience.{{ channel_column }} = consent.channel
    left join customers on audience.person_id = customers.person_id
    where
        consent.person_id is null
        or customers.person_id is null
        or (audience.{{ channel_column }} = 'email' and audience.contact_point is distinct from customers.email)
        or (audience.{{ channel_column }} in ('sms', 'phone') and audience.contact_point is distinct from customers.phone_e164)
        or audience.contact_point is null
)

select * from leaks

{% endtest %}
