"""Rules both entry points (REST and GraphQL) apply, one module per rule:

- `access`     — who may call a store, and what each refusal says (SPEC §2)
- `rate_limit` — the per-store request budget (SPEC §7, §10)
"""
