-- Over-merged persons on generated data: persons whose records belong to more than one true person,
-- split by whether any foreign record (one not of the person's main true person) has a name. A guest
-- order without a name, paid through a household mailbox, carries nothing but the mailbox, so its
-- over-merge is beyond what the evidence allows. Needs the generator's truth folder
-- (env CUSTOMER360_TRUTH_DIR, default data/demo/truth). Compile with `dbt compile -s overmerged_clusters`, run in DuckDB.
with

truth as (
    select
        (
            case source_table
                when 'crm/contacts' then 'crm_contact'
                when 'shop/accounts' then 'shop_account'
                when 'shop/orders' then 'guest_order'
                when 'support/tickets' then 'support_ticket'
            end
        ) || ':' || record_id as record_key,
        person_id as true_id
    from read_parquet('{{ env_var("CUSTOMER360_TRUTH_DIR", "data/demo/truth") }}/records.parquet')
    where
        source_table in ('crm/contacts', 'shop/accounts', 'shop/orders', 'support/tickets')
        and record_id is not null
    qualify count(*) over (partition by source_table, record_id) = 1
),

assigned as (
    select
        persons.record_key,
        persons.person_id,
        persons.record_type,
        truth.true_id
    from {{ ref('int_identity_persons_assigned') }} as persons
    inner join truth on persons.record_key = truth.record_key
),

main_true_person as (
    select
        person_id,
        true_id
    from assigned
    group by person_id, true_id
    qualify row_number() over (partition by person_id order by count(*) desc, true_id) = 1
),

foreign_records as (
    select
        assigned.person_id,
        assigned.record_type,
        match_records.first_name is not null as is_named
    from assigned
    inner join main_true_person on assigned.person_id = main_true_person.person_id
    left join {{ ref('int_identity_match_records') }} as match_records
        on assigned.record_key = match_records.record_key
    where assigned.true_id <> main_true_person.true_id
),

overmerged as (
    select
        person_id,
        bool_or(is_named) as has_named_foreign_record,
        string_agg(distinct record_type, ', ' order by record_type) as foreign_record_types
    from foreign_records
    group by person_id
)

select
    has_named_foreign_record,
    foreign_record_types,
    count(*) as persons,
    round(100.0 * count(*) / (select count(distinct assigned.person_id) from assigned), 3) as share_of_persons_pct
from overmerged
group by has_named_foreign_record, foreign_record_types
order by persons desc
