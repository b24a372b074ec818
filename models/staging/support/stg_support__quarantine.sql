{{ quarantined_rows('base_support__tickets', 'support.tickets', 'ticket_id') }}
