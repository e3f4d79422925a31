"""Bank connectors: SNAP signing/verification and (later) statement parsers."""
