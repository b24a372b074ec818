{#- Calling code, trunk prefix and national number lengths (without the trunk prefix) per country, for
    numbers written without a `+`. The lengths tell "447700900123" (a GB number with its calling code but
    no `+`, as a phone stored in a numeric column arrives) from a national number; a country with variable
    lengths (DE) lists none, and such a number is then read as national. -#}
{% macro phone_country_rules() %}
    {{ return({
        'GB': {'calling_code': '44', 'trunk': '0', 'national_lengths': [9, 10]},
        'IE': {'calling_code': '353', 'trunk': '0', 'national_lengths': [7, 8, 9]},
        'FR': {'calling_code': '33', 'trunk': '0', 'national_lengths': [9]},
        'DE': {'calling_code': '49', 'trunk': '0', 'national_lengths': []},
        'NL': {'calling_code': '31', 'trunk': '0', 'national_lengths': [9]},
        'ES': {'calling_code': '34', 'trunk': '', 'national_lengths': [9]},
        'US': {'calling_code': '1', 'trunk': '1', 'national_lengths': [10]},
    }) }}
{% endmacro %}


{#- Phone number in E.164 (+<country code><number>), or null when it cannot be one.
    "+44 (0) 7700 900123", "0044 7700 900123", "07700 900123" and "7700900123" all become
    +447700900123 with the default country GB (var default_phone_country). -#}
{% macro normalise_phone(expression, country=none) -%}
    {#- regexp_extract(..., 0) returns the whole match or '' (DuckDB and Spark alike), so the candidate
        expression is compiled and evaluated once instead of once to test and once to return. -#}
    nullif(regexp_extract({{ e164_candidate(expression, country) }}, '^[+][1-9][0-9]{7,14}$', 0), '')
{%- endmacro %}


{#- The number rewritten with a country code, before validation: keep an explicit +code, turn a 00
    prefix into +, replace the national trunk prefix by the default country's calling code, keep a number
    that already starts with that calling code (and is too long to be national), else prefix the code. -#}
{% macro e164_candidate(expression, country=none) -%}
    {%- set rules = phone_country_rules()[country or var('default_phone_country')] -%}
    {%- set text = "replace(trim(" ~ expression ~ "), '(0)', '')" -%}
    {%- set digits = regex_replace_all(text, '[^0-9]', '') -%}
    (case
        when {{ text }} like '+%' then '+' || {{ digits }}
        when {{ digits }} like '00%' then '+' || substr({{ digits }}, 3)
        {% if rules.trunk -%}
        when {{ digits }} like '{{ rules.trunk }}%' then '+{{ rules.calling_code }}' || substr({{ digits }}, {{ rules.trunk | length + 1 }})
        {% endif -%}
        {% if rules.national_lengths -%}
        {%- set lengths = rules.national_lengths | join(', ') -%}
        when
            {{ digits }} like '{{ rules.calling_code }}%'
            and length({{ digits }}) - {{ rules.calling_code | length }} in ({{ lengths }})
            and length({{ digits }}) not in ({{ lengths }})
            then '+' || {{ digits }}
        {% endif -%}
        else '+{{ rules.calling_code }}' || {{ digits }}
    end)
{%- endmacro %}
