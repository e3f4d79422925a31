"""Use cases: they orchestrate the domain and ports, and own the transaction."""
