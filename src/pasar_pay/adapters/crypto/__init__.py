"""Cryptographic adapters."""
