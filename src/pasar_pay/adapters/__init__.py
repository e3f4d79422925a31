"""Adapters: database, banks, rendering."""
