"""Online ordering from market stalls (issue 7): pure rules over integer rupiah, whole grams
and basis points. No I/O and no clock: every time is passed in.

Modules, one job each:
- `quantities`: exact integers, the validation helpers and the one rounding rule for weights.
- `catalog`: products per stall (unit or weighed pricing), stock, photos, reference prices.
- `checkout`: a cart → one checkout per market with one order per stall; price changes.
- `state`: the order state machine and who may make each move; the complaint window.
- `reservation`: time-limited stock reservations and the race for the last unit.
- `settlement`: weighing, refunds of the difference, substitutions, cash on delivery.
- `commission`: most-specific-wins commission rules, rounding and refunds.
- `ledger_plan`: the balanced entries for payment, refund and completion.
- `payout`: the daily payout per vendor, commission per line, optional arrears netting.
- `webhooks`: outbound webhook signatures and the retry schedule.
"""
