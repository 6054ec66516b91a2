"""Rules both entry points (REST and GraphQL) apply, one module per rule:

- `access`     — who may call a store, and what each refusal says (SPEC §2)
- `rate_limit` — the per-store request budget (SPEC §7, §10)
- `page_size`  — how many rows a list may ask for (SPEC §5, §10)
- `ids`        — how ID arguments and list cursors are read (SPEC §2, §10)
"""
