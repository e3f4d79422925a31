"""The market registry: markets, stalls, vendors (placement rights live in billing/placement)."""
