{#- Everyone who may receive marketing by sms today: a current marketing grant on sms and a contact
    point there (enforced by the consented_audience macro). -#}
with

customers as (
    select
        person_id,
        as_of_date,
        first_name,
        segment,
        lifecycle_stage
    from {{ ref('customer_360') }}
),

audience as (
    {{ consented_audience('customers', 'marketing', channel='sms') }}
)

select * from audience
