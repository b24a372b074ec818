{{ quarantine_of([
    {'base': 'base_pos__transactions', 'table': 'pos.transactions', 'key': 'pos_transaction_id', 'appended': true},
]) }}
