{#- Keep only the candidates who may be contacted for `purpose` on `channel` (a literal) or on the
    channel held in `channel_column`, and attach the contact point to use. Every activation audience
    is written with this macro, so consent is enforced in exactly one place: the rows of
    int_consent_reachable_channels (a current grant and a contact point), deny by default. -#}
{% macro consented_audience(candidates, purpose, channel=none, channel_column=none) %}
    {%- if (channel is none) == (channel_column is none) -%}
        {{ exceptions.raise_compiler_error('consented_audience needs exactly one of channel or channel_column') }}
    {%- endif -%}
    select
        candidates.*,
        reachable.channel as audience_channel,
        reachable.contact_point,
        reachable.granted_at
    from {{ candidates }} as candidates
    inner join {{ ref('int_consent_reachable_channels') }} as reachable
        on
            candidates.person_id = reachable.person_id
            and reachable.purpose = '{{ purpose }}'
            and reachable.channel = {% if channel is not none %}'{{ channel }}'{% else %}candidates.{{ channel_column }}{% endif %}
{% endmacro %}
