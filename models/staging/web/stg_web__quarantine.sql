{{ quarantine_of([
    {'base': 'base_web__events', 'table': 'web.events', 'key': 'web_event_id', 'appended': true},
]) }}
