{{ quarantined_rows('base_crm__contacts', 'crm.contacts', 'crm_contact_id') }}
