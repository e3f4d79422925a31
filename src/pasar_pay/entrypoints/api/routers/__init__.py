"""pasar_pay."""
