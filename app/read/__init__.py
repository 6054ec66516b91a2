"""The read side: plain SELECTs shaped for dashboards (filters, keyset pages, batches, stats)."""
