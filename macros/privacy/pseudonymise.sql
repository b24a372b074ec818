{#- The salt of every pseudonym and suppression hash: env var CUSTOMER360_PII_SALT. The demo default
    is public, so pseudonyms made with it can be reversed by anyone who guesses a value: a run that
    uses it says so loudly (warn_if_demo_salt, on-run-start). Never change the salt of a live
    warehouse: the erasure suppression list is keyed by it. -#}
{% macro pii_salt() -%}
    {{ return(env_var('CUSTOMER360_PII_SALT', 'customer360-demo-salt-do-not-use-in-production')) }}
{%- endmacro %}


{% macro warn_if_demo_salt() %}
    {%- if execute and pii_salt() == 'customer360-demo-salt-do-not-use-in-production' -%}
        {{ log('WARNING: CUSTOMER360_PII_SALT is not set; pseudonyms and erasure hashes use the PUBLIC demo salt. Set a secret salt before real data arrives.', info=True) }}
    {%- endif -%}
    select 1
{% endmacro %}


{#- Salted SHA-256 (hex) of a text expression; null stays null. -#}
{% macro pseudonymise(expression) -%}
    {{ return(adapter.dispatch('pseudonymise', 'customer360')(expression)) }}
{%- endmacro %}

{% macro default__pseudonymise(expression) -%}
    sha256('{{ pii_salt() }}' || cast({{ expression }} as string))
{%- endmacro %}

{% macro spark__pseudonymise(expression) -%}
    sha2(concat('{{ pii_salt() }}', cast({{ expression }} as string)), 256)
{%- endmacro %}


{#- The suppression-list key of an identifier: salted hash of "<type>:<normalised value>", so the same
    string as an email and as an account id are different keys. Null for a null value. -#}
{% macro erasure_hash(type_expression, normalised_value) -%}
    case when {{ normalised_value }} is not null then {{ pseudonymise(type_expression ~ " || ':' || " ~ normalised_value) }} end
{%- endmacro %}


{#- A raw text value in the normal form its erasure type has in the warehouse: person identifiers as
    the identity graph holds them (canonical email, E.164 phone, trimmed keys), every other record key
    (order, transaction, ticket, cookie, person) trimmed. `email_normalised`: as for identifier_normalised. -#}
{% macro erasure_normalised(type_expression, value_expression, email_normalised=none) -%}
    case
        when {{ type_expression }} in ('email', 'phone', 'crm_contact_id', 'shop_account_id', 'loyalty_card_id')
            then {{ identifier_normalised(type_expression, value_expression, email_normalised) }}
        else {{ clean_text(value_expression) }}
    end
{%- endmacro %}


{#- An identity record key ('crm_contact:C1', 'guest_order:O1', ...) as the erasure type and source
    value it stands for (crm_contact_id C1, order_id O1, ...). -#}
{% macro record_key_erasure_type(record_key) -%}
    case split_part({{ record_key }}, ':', 1)
        when 'crm_contact' then 'crm_contact_id'
        when 'shop_account' then 'shop_account_id'
        when 'guest_order' then 'order_id'
        when 'support_ticket' then 'ticket_id'
        when 'web_cookie' then 'cookie_id'
    end
{%- endmacro %}

{% macro record_key_source_id(record_key) -%}
    substr({{ record_key }}, length(split_part({{ record_key }}, ':', 1)) + 2)
{%- endmacro %}


{#- The suppression key of an identity record key, for purging histories that hold record keys. -#}
{% macro record_key_erasure_hash(record_key) -%}
    {{ erasure_hash(record_key_erasure_type(record_key), record_key_source_id(record_key)) }}
{%- endmacro %}
