"""Users, roles, provinces of provincial staff, API tokens and the session epoch that ends sessions."""
