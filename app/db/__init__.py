"""Storage: tables, engine and transactions, migrations."""
