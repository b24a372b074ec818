{#- The golden record: one row per known person, each attribute taken from the record that wins the
    survivorship rules of seed survivorship_rules (up to three rules per attribute, applied in order):
      source_trust  - lower trust_rank of seed source_trust wins;
      recency       - the record observed last wins;
      frequency     - the value most of the person's records agree on wins;
      completeness  - the record with more filled attributes wins.
    Remaining ties go to the smaller value, then the smaller record key, so the choice is
    deterministic. Emails and phones that screening dropped (junk, over their cap) never win: the
    records come from int_identity_records_screened.
    Beside each value: the source system and observation time of the winning record.

    Incremental on DuckDB: a person's golden record depends only on their records and the two seeds, so
    each run fingerprints every person's inputs (inputs_fingerprint) and recomputes only the persons whose
    fingerprint is new or differs from the stored one (delete+insert on person_id); persons who no longer
    exist (merged, split, erased) are deleted by the pre-hook. A daily run then ranks the candidates of the
    few persons new records touched instead of all (26 s at 1M people). Spark keeps it a table. -#}
{{ config(
    materialized=upsert_materialization(),
    unique_key='person_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{{ delete_rows_missing_from('(select person_id from ' ~ ref('int_identity_persons_assigned') ~ ' where not is_anonymous_person) as known', 'person_id') }}",
) }}
{%- set attributes = [
    ('first_name', 'first_name', 'first_name_normalised'),
    ('last_name', 'last_name', 'last_name_normalised'),
    ('email', 'usable_email', 'email_canonical'),
    ('phone_e164', 'usable_phone', 'usable_phone'),
    ('birth_date', 'cast(birth_date as string)', 'cast(birth_date as string)'),
    ('address_line', 'address_line', 'lower(address_line)'),
    ('postcode', 'postcode', 'upper(postcode)'),
    ('city', 'city', 'lower(city)'),
    ('country_code', 'country_code', 'country_code'),
] -%}
{%- set input_columns = [
    'record_key', 'source_system', 'observed_at', 'first_name', 'first_name_normalised', 'last_name',
    'last_name_normalised', 'usable_email', 'email_canonical', 'usable_phone', 'birth_date', 'address_line',
    'postcode', 'city', 'country_code',
] -%}
with

records as (
    select * from {{ ref('int_identity_records_screened') }}
),

assignments as (
    select * from {{ ref('int_identity_persons_assigned') }}
),

source_trust as (
    select * from {{ ref('source_trust') }}
),

rules as (
    select * from {{ ref('survivorship_rules') }}
),

all_person_records as (
    select
        assignments.person_id,
        records.*
    from records
    inner join assignments on records.record_key = assignments.record_key
    where not assignments.is_anonymous_person
),

seed_fingerprint as (
    select {{ set_fingerprint('seed_row') }} as fingerprint
    from (
        select {{ row_fingerprint(["'rule'", 'attribute_name', 'rule_1', 'rule_2', 'rule_3']) }} as seed_row
        from rules
        union all
        select {{ row_fingerprint(["'trust'", 'source_system', 'trust_rank']) }} as seed_row
        from source_trust
    ) as seed_rows
),

fingerprints as (
    select
        all_person_records.person_id,
        md5(seed_fingerprint.fingerprint || {{ set_fingerprint(row_fingerprint(input_columns)) }}) as inputs_fingerprint
    from all_person_records
    cross join seed_fingerprint
    group by all_person_records.person_id, seed_fingerprint.fingerprint
),

{% if is_incremental() %}
    changed as (
        select * from fingerprints
        except
        select
            person_id,
            inputs_fingerprint
        from {{ this }}
    ),

    person_records as (
        select all_person_records.*
        from all_person_records
        inner join changed on all_person_records.person_id = changed.person_id
    ),
{% else %}
    changed as (
        select * from fingerprints
    ),

    person_records as (
        select * from all_person_records
    ),
{% endif %}

completeness as (
    select
        *,
        {% for _, value_sql, _ in attributes %}
            case when {{ value_sql }} is not null then 1 else 0 end{% if not loop.last %} +{% endif %}
        {% endfor %} as record_completeness
    from person_records
),

candidates as (
    {% for attribute, value_sql, match_sql in attributes %}
        select
            person_id,
            record_key,
            source_system,
            observed_at,
            record_completeness,
            '{{ attribute }}' as attribute_name,
            {{ value_sql }} as attribute_value,
            {{ match_sql }} as match_value
        from completeness
        where {{ value_sql }} is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

scored as (
    select
        candidates.*,
        source_trust.trust_rank,
        rules.rule_1,
        rules.rule_2,
        rules.rule_3,
        count(*) over (
            partition by candidates.person_id, candidates.attribute_name, candidates.match_value
        ) as value_frequency
    from candidates
    inner join rules on candidates.attribute_name = rules.attribute_name
    left join source_trust on candidates.source_system = source_trust.source_system
),

ranked as (
    select
        scored.*,
        row_number() over (
            partition by scored.person_id, scored.attribute_name
            order by
                {% for rule in ['rule_1', 'rule_2', 'rule_3'] %}
                    case scored.{{ rule }}
                        when 'source_trust' then coalesce(scored.trust_rank, 99)
                        when 'recency' then -{{ epoch_seconds('scored.observed_at') }}
                        when 'frequency' then -scored.value_frequency
                        when 'completeness' then -scored.record_completeness
                    end asc nulls last,
                {% endfor %}
                scored.attribute_value asc,
                scored.record_key asc
        ) as survivor_rank
    from scored
),

survivors as (
    select * from ranked
    where survivor_rank = 1
),

persons as (
    select * from changed
),

golden as (
    select
        persons.person_id,
        {% for attribute, _, _ in attributes %}
            {% if attribute == 'birth_date' %}
                cast({{ attribute }}_survivor.attribute_value as date) as {{ attribute }},
            {% else %}
                {{ attribute }}_survivor.attribute_value as {{ attribute }},
            {% endif %}
            {{ attribute }}_survivor.source_system as {{ attribute }}_source,
            {{ attribute }}_survivor.observed_at as {{ attribute }}_observed_at,
        {% endfor %}
        persons.inputs_fingerprint
    from persons
    {% for attribute, _, _ in attributes %}
        left join survivors as {{ attribute }}_survivor
            on
                persons.person_id = {{ attribute }}_survivor.person_id
                and {{ attribute }}_survivor.attribute_name = '{{ attribute }}'
    {% endfor %}
)

select * from golden
