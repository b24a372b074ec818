{#- Thin slice: records sharing a canonical email are one person; a record without an email is a
    person of its own. person_id is a hash of that anchor, so it is the same on every run. -#}
with

records as (
    select * from {{ ref('int_identity_records_unioned') }}
),

assigned as (
    select
        record_key,
        source_system,
        source_record_id,
        'p_' || substr(
            md5(case when email_canonical is not null then 'email:' || email_canonical else 'record:' || record_key end),
            1, 16
        ) as person_id,
        email_canonical is not null as is_linked_by_email
    from records
)

select * from assigned
