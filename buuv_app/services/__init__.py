"""Domain services: the only place that builds queries. Plain functions, keyword-only session."""
