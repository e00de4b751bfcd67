"""crm: leads, dedupe, two-level distribution, the lead pool, deals and payments, customer privacy."""
