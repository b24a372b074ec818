{{ quarantine_of([
    {'base': 'base_shop__accounts', 'table': 'shop.accounts', 'key': 'shop_account_id', 'appended': false},
    {'base': 'base_shop__orders', 'table': 'shop.orders', 'key': 'order_id', 'appended': true},
    {'base': 'base_shop__order_lines', 'table': 'shop.order_lines', 'key': 'order_line_id', 'appended': true},
]) }}
