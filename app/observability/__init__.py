"""What an operator sees of the running service: one JSON line per request (`request_log`),
Prometheus metrics (`metrics`, served at /metrics by `app.rest.metrics`), and the facts a
request gathers on its way through (`facts`: request id, store, record outcome).

A layer above the database and below the services: the services note facts, the entry points
and the worker count; nothing here imports a service, a route or a resolver."""
