{#- Lower-cased, trimmed email; null when it is not a plausible address (one @, a dotted domain). -#}
{% macro normalise_email(expression) -%}
    case
        when {{ regex_matches('lower(trim(' ~ expression ~ '))', "^[a-z0-9._%+-]+@[a-z0-9-]+([.][a-z0-9-]+)*[.][a-z]{2,}$") }}
            then lower(trim({{ expression }}))
    end
{%- endmacro %}


{#- Canonical mailbox of a normalised email: the +tag is dropped for every provider (sub-addressing
    is near universal), dots are dropped and googlemail.com becomes gmail.com for Gmail only, where
    they do not change the mailbox. Used for matching; the normalised email is kept for sending. -#}
{% macro canonical_email(normalised) -%}
    case
        when split_part({{ normalised }}, '@', 2) in ('gmail.com', 'googlemail.com')
            then replace(split_part(split_part({{ normalised }}, '@', 1), '+', 1), '.', '') || '@gmail.com'
        else split_part(split_part({{ normalised }}, '@', 1), '+', 1) || '@' || split_part({{ normalised }}, '@', 2)
    end
{%- endmacro %}
