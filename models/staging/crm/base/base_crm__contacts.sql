{{ versioned_records_base_config() }}
with

source as (
    select * from {{ source('crm', 'contacts') }}
    {{ undelivered_files_only() }}
),

typed as (
    select
        _source_file,
        _source_row,
        _landing_generation,
        {{ clean_text('contact_id') }} as crm_contact_id,
        {{ clean_text('first_name') }} as first_name,
        {{ normalise_name('first_name') }} as first_name_normalised,
        {{ clean_text('last_name') }} as last_name,
        {{ normalise_name('last_name') }} as last_name_normalised,
        {{ clean_text('email') }} as email_raw,
        {{ normalise_email('email') }} as email,
        {{ clean_text('phone') }} as phone_raw,
        {{ normalise_phone('phone') }} as phone_e164,
        {{ clean_text('birth_date') }} as birth_date_raw,
        {{ parse_date('birth_date', ['%Y-%m-%d', '%d/%m/%Y']) }} as birth_date_parsed,
        {{ clean_text('address_line') }} as address_line,
        upper({{ clean_text('postcode') }}) as postcode,
        {{ clean_text('city') }} as city,
        upper({{ clean_text('country') }}) as country_code,
        {{ clean_text('loyalty_card_id') }} as loyalty_card_id,
        {{ clean_text('created_at') }} as created_at_raw,
        {{ parse_timestamp('created_at') }} as created_at,
        {{ parse_timestamp('updated_at') }} as updated_at
    from source
),

checked as (
    select
        *,
        {{ canonical_email('email') }} as email_canonical,
        case
            when
                birth_date_parsed >= date '1900-01-01'
                and birth_date_parsed <= coalesce(cast(created_at as date), birth_date_parsed)
                then birth_date_parsed
        end as birth_date,
        {{ duplicate_rank('crm_contact_id', 'updated_at') }} as key_rank
    from typed
),

reasoned as (
    select
        *,
        {{ reasons([
            ('crm_contact_id is null', 'missing contact_id'),
            ('crm_contact_id is not null and key_rank > 1', 'duplicate contact_id: a newer version is kept'),
            ('updated_at is null', 'missing or unparseable updated_at'),
        ]) }} as quarantine_reason,
        {{ reasons([
            ('email_raw is not null and email is null', 'invalid email'),
            ('phone_raw is not null and phone_e164 is null', 'invalid phone'),
            ('birth_date_raw is not null and birth_date is null', 'invalid birth_date'),
            ('created_at_raw is not null and created_at is null', 'invalid created_at'),
        ]) }} as data_issues
    from checked
)

select * from reasoned
