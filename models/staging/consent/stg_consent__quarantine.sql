{{ quarantined_rows('base_consent__consent_events', 'consent.consent_events', 'consent_event_id') }}
union all
{{ quarantined_rows('base_consent__erasure_requests', 'consent.erasure_requests', 'erasure_request_id') }}
