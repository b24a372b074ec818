{{ quarantine_of([
    {'base': 'base_crm__contacts', 'table': 'crm.contacts', 'key': 'crm_contact_id', 'appended': false},
]) }}
