{{ quarantine_of([
    {'base': 'base_marketing__email_events', 'table': 'marketing.email_events', 'key': 'email_event_id', 'appended': true},
]) }}
