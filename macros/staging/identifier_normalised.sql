{#- An identifier given with its type (consent and erasure requests) in the same normal form the
    identity graph uses: canonical email, E.164 phone, trimmed keys. Null when it cannot be used. -#}
{% macro identifier_normalised(type_expression, value_expression) -%}
    case {{ type_expression }}
        when 'email' then {{ canonical_email(normalise_email(value_expression)) }}
        when 'phone' then {{ normalise_phone(value_expression) }}
        when 'crm_contact_id' then {{ clean_text(value_expression) }}
        when 'shop_account_id' then {{ clean_text(value_expression) }}
        when 'loyalty_card_id' then {{ clean_text(value_expression) }}
    end
{%- endmacro %}
