"""Indonesian product and village search (database and Elasticsearch backends)."""
