{#- k-anonymity: every combination of the quasi-identifiers that is published (not fully suppressed)
    is shared by at least k rows. Returns the combinations that are too small. -#}
{% test k_anonymous(model, quasi_identifiers, k) %}

with

cells as (
    select
        {% for column in quasi_identifiers %}{{ column }}, {% endfor %}
        count(*) as cell_size
    from {{ model }}
    group by {% for column in quasi_identifiers %}{{ column }}{% if not loop.last %}, {% endif %}{% endfor %}
),

too_small as (
    select * from cells
    where
        cell_size < {{ k }}
        and not ({% for column in quasi_identifiers %}{{ column }} is null{% if not loop.last %} and {% endif %}{% endfor %})
)

select * from too_small

{% endtest %}
