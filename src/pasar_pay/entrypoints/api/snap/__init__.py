"""SNAP endpoints for banks and acquirers (served under `Settings.snap_prefix`)."""
