{{ quarantine_of([
    {'base': 'base_consent__consent_events', 'table': 'consent.consent_events', 'key': 'consent_event_id', 'appended': true},
    {'base': 'base_consent__erasure_requests', 'table': 'consent.erasure_requests', 'key': 'erasure_request_id', 'appended': false},
]) }}
