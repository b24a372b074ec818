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
    screening_reason says why a pair was dropped or scoped. -#}
with

identifiers as (
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
    from identifiers
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
        records.first_name_normalised as first_name,
        coalesce(min(nicknames.name), records.first_name_normalised) as name_group
    from first_checks
    inner join records on first_checks.record_key = records.record_key
    left join nicknames on records.first_name_normalised = nicknames.nickname
    where first_checks.first_reason is null and not first_checks.is_person_key
    group by
        first_checks.record_key,
        first_checks.identifier_type,
        first_checks.identifier_value,
        records.first_name_normalised
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
        record_key,
        source_system,
        identifier_type,
        identifier_value,
        observed_at,
        holder_records,
        holder_name_groups,
        screening_action,
        screening_reason,
        case screening_action
            when 'linked' then 'id:' || identifier_type || '=' || identifier_value
            when 'scoped to first name'
                then 'id:' || identifier_type || '=' || identifier_value || '#' || coalesce(name_group, '(no name)')
        end as link_node
    from screened
)

select * from noded
