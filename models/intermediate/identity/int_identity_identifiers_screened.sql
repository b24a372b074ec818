{#- Decides, for every (record, identifier) pair, whether and how it may link records:
    1. junk values (seed junk_identifiers: exact values and patterns) never link;
    2. a record that carries several values of a person key (a cookie used by two logged-in
       accounts) does not link through that key: the device is shared;
    3. a shared-capable identifier (email, phone) held by more records, or by more distinct first
       names, than the cap for its type (seed identifier_rules) does not link;
    4. one held by records whose first names are incompatible (not equal, not nicknames of each
       other, not a typo apart) is a household mailbox or landline: it links only records of the
       same first name, and records without a name among themselves.
    link_node is the graph node the record attaches to (null when the pair is dropped);
    screening_reason says why a pair was dropped or scoped.

    Incremental on DuckDB, and equal to a full refresh (tests/python/test_incremental.py). A value's rows
    depend only on its holders (record, source, time, first name), on how many values of a person key each
    holder carries, and on the seeds above. So every value gets a fingerprint of its holders and the seeds
    (holders_fingerprint), and a run screens again only the touched values: those whose fingerprint is new,
    differs from the stored one or is gone, plus every value of their holders, old and new (a holder that
    gained or lost a value of a person key may have become, or stopped being, a shared device). Their rows
    are replaced (delete+insert on the value); a value no holder carries any more is written as a tombstone
    (a row without record_key) that the post-hook deletes. A daily run at 1M people screens the values new
    records touched instead of all 3.9M. Spark keeps it a table. -#}
{{ config(
    materialized=upsert_materialization(),
    unique_key=['identifier_type', 'identifier_value'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{{ delete_tombstones('record_key') }}",
) }}
with

all_identifiers as (
    select * from {{ ref('int_identity_identifiers_unioned') }}
),

records as (
    select * from {{ ref('int_identity_records_unioned') }}
),

rules as (
    select * from {{ ref('identifier_rules') }}
),

junk as (
    select * from {{ ref('junk_identifiers') }}
),

nicknames as (
    select * from {{ ref('nicknames') }}
),

seed_fingerprint as (
    select {{ set_fingerprint('seed_row') }} as fingerprint
    from (
        select {{ row_fingerprint(["'rule'", 'identifier_type', 'is_person_key', 'max_records', 'max_name_groups']) }} as seed_row
        from rules
        union all
        select {{ row_fingerprint(["'junk'", 'identifier_type', 'match_type', 'identifier_pattern', 'reason']) }} as seed_row
        from junk
        union all
        select {{ row_fingerprint(["'nickname'", 'nickname', 'name']) }} as seed_row
        from nicknames
        union all
        select {{ row_fingerprint(["'typo'", "cast(" ~ var('identity_typo_similarity') ~ " as double)"]) }} as seed_row
    ) as seed_rows
),

value_fingerprints as (
    select
        all_identifiers.identifier_type,
        all_identifiers.identifier_value,
        {#- the seeds' fingerprint once per value, not hashed again in every holder's row -#}
        seed_fingerprint.fingerprint || ':' || {{ set_fingerprint(row_fingerprint([
            'all_identifiers.record_key', 'all_identifiers.source_system', 'all_identifiers.observed_at',
            'records.first_name_normalised',
        ])) }} as holders_fingerprint
    from all_identifiers
    left join records on all_identifiers.record_key = records.record_key
    cross join seed_fingerprint
    group by all_identifiers.identifier_type, all_identifiers.identifier_value, seed_fingerprint.fingerprint
),

{% if is_incremental() %}
    {#- A table written before this column existed: every value counts as changed, once. -#}
    stored_fingerprints as (
        select distinct
            identifier_type,
            identifier_value,
            {% if stored_table_has_column('holders_fingerprint') -%}
                holders_fingerprint
            {%- else -%}
                cast(null as string) as holders_fingerprint
            {%- endif %}
        from {{ this }}
    ),

    changed_values as (
        select
            coalesce(value_fingerprints.identifier_type, stored_fingerprints.identifier_type) as identifier_type,
            coalesce(value_fingerprints.identifier_value, stored_fingerprints.identifier_value) as identifier_value
        from value_fingerprints
        full outer join stored_fingerprints
            on
                value_fingerprints.identifier_type = stored_fingerprints.identifier_type
                and value_fingerprints.identifier_value = stored_fingerprints.identifier_value
        where value_fingerprints.holders_fingerprint is distinct from stored_fingerprints.holders_fingerprint
    ),

    touched_holders as (
        select all_identifiers.record_key
        from all_identifiers
        inner join changed_values
            on
                all_identifiers.identifier_type = changed_values.identifier_type
                and all_identifiers.identifier_value = changed_values.identifier_value
        union
        select stored_rows.record_key
        from {{ this }} as stored_rows
        inner join changed_values
            on
                stored_rows.identifier_type = changed_values.identifier_type
                and stored_rows.identifier_value = changed_values.identifier_value
    ),

    touched_values as (
        select
            identifier_type,
            identifier_value
        from all_identifiers
        where record_key in (select touched_holders.record_key from touched_holders)
        union
        select
            identifier_type,
            identifier_value
        from changed_values
    ),

    identifiers as (
        select all_identifiers.*
        from all_identifiers
        inner join touched_values
            on
                all_identifiers.identifier_type = touched_values.identifier_type
                and all_identifiers.identifier_value = touched_values.identifier_value
    ),

    holder_identifiers as (
        {#- Every row of the holders of the values screened again: a holder's count of person-key values
            is over all its rows. -#}
        select all_identifiers.*
        from all_identifiers
        where all_identifiers.record_key in (select identifiers.record_key from identifiers)
    ),

    holders as (
        select records.*
        from records
        where records.record_key in (select identifiers.record_key from identifiers)
    ),

    tombstones as (
        select
            cast(null as string) as record_key,
            cast(null as string) as source_system,
            touched_values.identifier_type,
            touched_values.identifier_value,
            cast(null as timestamp) as observed_at,
            cast(null as bigint) as holder_records,
            cast(null as bigint) as holder_name_groups,
            cast(null as string) as screening_action,
            cast(null as string) as screening_reason,
            cast(null as string) as link_node,
            cast(null as string) as holders_fingerprint
        from touched_values
        left join value_fingerprints
            on
                touched_values.identifier_type = value_fingerprints.identifier_type
                and touched_values.identifier_value = value_fingerprints.identifier_value
        where value_fingerprints.identifier_value is null
    ),
{% else %}
    identifiers as (
        select * from all_identifiers
    ),

    holder_identifiers as (
        select * from all_identifiers
    ),

    holders as (
        select * from records
    ),
{% endif %}

distinct_values as (
    select distinct
        identifier_type,
        identifier_value
    from identifiers
),

junk_rule_hits as (
    {#- Exact rules by an equality join; patterns as literal regular expressions (macro
        junk_pattern_reason), each tried once per distinct value. -#}
    select
        distinct_values.identifier_type,
        distinct_values.identifier_value,
        junk.reason
    from distinct_values
    inner join junk
        on
            distinct_values.identifier_type = junk.identifier_type
            and distinct_values.identifier_value = junk.identifier_pattern
    where junk.match_type = 'exact'
    union all
    select
        identifier_type,
        identifier_value,
        {{ junk_pattern_reason('identifier_type', 'identifier_value') }} as reason
    from distinct_values
),

junk_matched as (
    select
        identifier_type,
        identifier_value,
        min(reason) as junk_reason
    from junk_rule_hits
    where reason is not null
    group by identifier_type, identifier_value
),

values_per_record as (
    select
        record_key,
        identifier_type,
        count(distinct identifier_value) as value_count
    from holder_identifiers
    group by record_key, identifier_type
),

first_checks as (
    select
        identifiers.*,
        rules.is_person_key,
        rules.max_name_groups,
        rules.max_records,
        case
            when rules.identifier_type is null then 'no rule in identifier_rules for this identifier type'
            when junk_matched.junk_reason is not null then 'junk value: ' || junk_matched.junk_reason
            when rules.is_person_key and values_per_record.value_count > 1
                then
                    'record carries ' || cast(values_per_record.value_count as string) || ' '
                    || identifiers.identifier_type || ' values: shared device or account'
        end as first_reason
    from identifiers
    left join rules on identifiers.identifier_type = rules.identifier_type
    left join junk_matched
        on
            identifiers.identifier_type = junk_matched.identifier_type
            and identifiers.identifier_value = junk_matched.identifier_value
    left join values_per_record
        on
            identifiers.record_key = values_per_record.record_key
            and identifiers.identifier_type = values_per_record.identifier_type
),

holder_names as (
    select
        first_checks.record_key,
        first_checks.identifier_type,
        first_checks.identifier_value,
        holders.first_name_normalised as first_name,
        coalesce(min(nicknames.name), holders.first_name_normalised) as name_group
    from first_checks
    inner join holders on first_checks.record_key = holders.record_key
    left join nicknames on holders.first_name_normalised = nicknames.nickname
    where first_checks.first_reason is null and not first_checks.is_person_key
    group by
        first_checks.record_key,
        first_checks.identifier_type,
        first_checks.identifier_value,
        holders.first_name_normalised
),

name_keys as (
    {#- A name and every full name it is a nickname of: two names are the same person's when their
        keys meet (bob ~ robert, bob ~ rob). -#}
    select distinct
        identifier_type,
        identifier_value,
        first_name,
        first_name as name_key
    from holder_names
    where first_name is not null
    union
    select distinct
        holder_names.identifier_type,
        holder_names.identifier_value,
        holder_names.first_name,
        nicknames.name as name_key
    from holder_names
    inner join nicknames on holder_names.first_name = nicknames.nickname
),

distinct_names as (
    select distinct
        identifier_type,
        identifier_value,
        first_name
    from name_keys
),

name_pairs as (
    select
        left_names.identifier_type,
        left_names.identifier_value,
        left_names.first_name as left_name,
        right_names.first_name as right_name
    from distinct_names as left_names
    inner join distinct_names as right_names
        on
            left_names.identifier_type = right_names.identifier_type
            and left_names.identifier_value = right_names.identifier_value
            and left_names.first_name < right_names.first_name
),

compatible_pairs as (
    select distinct
        left_keys.identifier_type,
        left_keys.identifier_value,
        left_keys.first_name as left_name,
        right_keys.first_name as right_name
    from name_keys as left_keys
    inner join name_keys as right_keys
        on
            left_keys.identifier_type = right_keys.identifier_type
            and left_keys.identifier_value = right_keys.identifier_value
            and left_keys.name_key = right_keys.name_key
            and left_keys.first_name < right_keys.first_name
),

conflicting_values as (
    select
        name_pairs.identifier_type,
        name_pairs.identifier_value
    from name_pairs
    left join compatible_pairs
        on
            name_pairs.identifier_type = compatible_pairs.identifier_type
            and name_pairs.identifier_value = compatible_pairs.identifier_value
            and name_pairs.left_name = compatible_pairs.left_name
            and name_pairs.right_name = compatible_pairs.right_name
    where
        compatible_pairs.left_name is null
        and {{ name_similarity('name_pairs.left_name', 'name_pairs.right_name') }}
        < {{ var('identity_typo_similarity') }}
    group by name_pairs.identifier_type, name_pairs.identifier_value
),

value_stats as (
    select
        holder_names.identifier_type,
        holder_names.identifier_value,
        count(distinct holder_names.record_key) as holder_records,
        count(distinct holder_names.name_group) as holder_name_groups,
        max(case when conflicting_values.identifier_value is not null then 1 else 0 end) = 1 as has_conflicting_names
    from holder_names
    left join conflicting_values
        on
            holder_names.identifier_type = conflicting_values.identifier_type
            and holder_names.identifier_value = conflicting_values.identifier_value
    group by holder_names.identifier_type, holder_names.identifier_value
),

classified as (
    {#- The first rule that applies, decided once; the action and the reason both follow from it. -#}
    select
        first_checks.record_key,
        first_checks.source_system,
        first_checks.identifier_type,
        first_checks.identifier_value,
        first_checks.observed_at,
        first_checks.first_reason,
        first_checks.max_records,
        first_checks.max_name_groups,
        value_stats.holder_records,
        value_stats.holder_name_groups,
        holder_names.name_group,
        case
            when first_checks.first_reason is not null then 'first check'
            when value_stats.holder_records > first_checks.max_records then 'record cap'
            when value_stats.holder_name_groups > first_checks.max_name_groups then 'name cap'
            when value_stats.has_conflicting_names then 'household'
        end as applied_rule
    from first_checks
    left join value_stats
        on
            first_checks.identifier_type = value_stats.identifier_type
            and first_checks.identifier_value = value_stats.identifier_value
    left join holder_names
        on
            first_checks.record_key = holder_names.record_key
            and first_checks.identifier_type = holder_names.identifier_type
            and first_checks.identifier_value = holder_names.identifier_value
),

screened as (
    select
        record_key,
        source_system,
        identifier_type,
        identifier_value,
        observed_at,
        holder_records,
        holder_name_groups,
        name_group,
        case applied_rule
            when 'first check' then first_reason
            when 'record cap'
                then
                    'shared by ' || cast(holder_records as string) || ' records, above the cap of '
                    || cast(max_records as string) || ' for ' || identifier_type
            when 'name cap'
                then
                    'shared by ' || cast(holder_name_groups as string)
                    || ' distinct first names, above the cap of ' || cast(max_name_groups as string)
                    || ' for ' || identifier_type
            when 'household'
                then 'held by records with different first names (household): links only records of the same first name'
        end as screening_reason,
        case
            when applied_rule is null then 'linked'
            when applied_rule = 'household' then 'scoped to first name'
            else 'dropped'
        end as screening_action
    from classified
),

noded as (
    select
        screened.record_key,
        screened.source_system,
        screened.identifier_type,
        screened.identifier_value,
        screened.observed_at,
        screened.holder_records,
        screened.holder_name_groups,
        screened.screening_action,
        screened.screening_reason,
        case screened.screening_action
            when 'linked' then 'id:' || screened.identifier_type || '=' || screened.identifier_value
            when 'scoped to first name'
                then
                    'id:' || screened.identifier_type || '=' || screened.identifier_value || '#'
                    || coalesce(screened.name_group, '(no name)')
        end as link_node,
        value_fingerprints.holders_fingerprint
    from screened
    inner join value_fingerprints
        on
            screened.identifier_type = value_fingerprints.identifier_type
            and screened.identifier_value = value_fingerprints.identifier_value
)

select * from noded
{%- if is_incremental() %}
    union all
    select * from tombstones
{%- endif %}
