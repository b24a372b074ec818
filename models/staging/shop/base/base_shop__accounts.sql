{{ versioned_records_base_config() }}
with

source as (
    select * from {{ source('shop', 'accounts') }}
    {{ undelivered_files_only() }}
),

typed as (
    select
        _source_file,
        _source_row,
        _landing_generation,
        {{ clean_text('account_id') }} as shop_account_id,
        {{ clean_text('email') }} as email_raw,
        {{ normalise_email('email') }} as email,
        {{ clean_text('first_name') }} as first_name,
        {{ normalise_name('first_name') }} as first_name_normalised,
        {{ clean_text('last_name') }} as last_name,
        {{ normalise_name('last_name') }} as last_name_normalised,
        {{ clean_text('phone') }} as phone_raw,
        {{ normalise_phone('phone') }} as phone_e164,
        upper({{ clean_text('postcode') }}) as postcode,
        {{ parse_timestamp('created_at') }} as created_at
    from source
),

checked as (
    select
        *,
        {{ canonical_email('email') }} as email_canonical,
        {{ duplicate_rank('shop_account_id') }} as key_rank
    from typed
),

reasoned as (
    select
        *,
        {{ reasons([
            ('shop_account_id is null', 'missing account_id'),
            ('shop_account_id is not null and key_rank > 1', 'duplicate account_id: the first row is kept'),
        ]) }} as quarantine_reason,
        {{ reasons([
            ('email_raw is not null and email is null', 'invalid email'),
            ('phone_raw is not null and phone_e164 is null', 'invalid phone'),
            ('created_at is null', 'missing or unparseable created_at'),
        ]) }} as data_issues
    from checked
)

select * from reasoned
