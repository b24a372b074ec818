{{ quarantined_rows('base_shop__accounts', 'shop.accounts', 'shop_account_id') }}
union all
{{ quarantined_rows('base_shop__orders', 'shop.orders', 'order_id') }}
union all
{{ quarantined_rows('base_shop__order_lines', 'shop.order_lines', 'order_line_id') }}
