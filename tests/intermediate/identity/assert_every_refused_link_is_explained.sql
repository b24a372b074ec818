{#- Nothing is lost silently: every identifier that does not link freely has a reason in the audit,
    and the audit holds exactly the refused or scoped pairs. -#}
with

screened as (
    select * from {{ ref('int_identity_identifiers_screened') }}
),

audit as (
    select * from {{ ref('int_identity_identifier_audit') }}
),

unexplained as (
    select
        screened.record_key,
        screened.identifier_type,
        screened.screening_action,
        'refused or scoped without an audited reason' as problem
    from screened
    left join audit
        on
            screened.record_key = audit.record_key
            and screened.identifier_type = audit.identifier_type
            and screened.identifier_value = audit.identifier_value
    where
        screened.screening_action <> 'linked'
        and (audit.record_key is null or audit.screening_reason is null)
),

inconsistent as (
    select
        record_key,
        identifier_type,
        screening_action,
        'link node does not match the action' as problem
    from screened
    where
        (screening_action = 'dropped' and link_node is not null)
        or (screening_action <> 'dropped' and link_node is null)
)

select * from unexplained
union all
select * from inconsistent
