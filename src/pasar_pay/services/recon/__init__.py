"""Reconciliation use cases (issue 6): statement import, matching runs, the exception
workflow, the daily close and reports. The matcher itself is pure (domain/reconciliation)."""
