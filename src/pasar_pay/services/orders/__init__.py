"""Online ordering use cases (issue 7): catalog, checkout, payment, fulfilment, payouts,
webhooks. The rules live in `domain/orders`; these modules load, decide, write and commit."""
