{{ quarantined_rows('base_web__events', 'web.events', 'web_event_id') }}
