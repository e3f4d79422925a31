"""Entrypoints: the HTTP API and the CLI."""
