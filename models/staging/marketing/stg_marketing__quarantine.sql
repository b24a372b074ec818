{{ quarantined_rows('base_marketing__email_events', 'marketing.email_events', 'email_event_id') }}
