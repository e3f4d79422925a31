"""pasar_pay: cashless retribution and online ordering for Surakarta's traditional markets."""
