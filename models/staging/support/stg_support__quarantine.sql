{{ quarantine_of([
    {'base': 'base_support__tickets', 'table': 'support.tickets', 'key': 'ticket_id', 'appended': false},
]) }}
