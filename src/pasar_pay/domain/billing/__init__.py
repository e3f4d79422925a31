"""Retribution billing: tariffs, bill computation, due dates, penalties, payment allocation,
dunning and placement rights (SHP). Pure functions over integer rupiah; dates are passed in.

Modules, one job each:
- `exact`: exact numbers (no float) and the two rounding rules.
- `area`: stall area in whole cm².
- `tariffs`: versioned tariffs, the book that picks the version in force, Perda 5/2016 seed.
- `periods`: cadences and calendar helpers; `due_dates`: when a period's bill falls due.
- `bill_calc`: the bill for a stall and period, line by line.
- `outages`: recorded channel outages and the due-date extension they grant.
- `penalties`: late-payment interest, incremental and idempotent.
- `allocation`: payments and credit applied oldest bill first.
- `dunning`: reminder → SP1 → SP2 → SP3 → sealed.
- `placement`: the SHP lifecycle.
"""
