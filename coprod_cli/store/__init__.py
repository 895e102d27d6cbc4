"""The local records store: files, transactions, the record schema, bundles, backups and checks."""
