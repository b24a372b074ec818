{{ quarantined_rows('base_pos__transactions', 'pos.transactions', 'pos_transaction_id') }}
