"""What an operator sees of the running service: one JSON line per request (`request_log`),
Prometheus metrics at /metrics (`metrics`, `endpoint`), and the facts a request gathers on its
way through (`facts`: request id, store, record outcome)."""
