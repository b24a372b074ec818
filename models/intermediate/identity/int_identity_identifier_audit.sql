{#- Audit: every (record, identifier) pair that does not link freely, and why — junk value, over the
    cap for its type, a shared device, or scoped to one first name because a household shares it.
    Nothing that screening refuses disappears silently. -#}
with

screened as (
    select * from {{ ref('int_identity_identifiers_screened') }}
),

audited as (
    select
        record_key,
        source_system,
        identifier_type,
        identifier_value,
        screening_action,
        screening_reason,
        holder_records,
        holder_name_groups,
        link_node
    from screened
    where screening_action <> 'linked'
)

select * from audited
