"""A bank/acquirer simulator: a separate process that calls pasar_pay's SNAP API over HTTP."""
