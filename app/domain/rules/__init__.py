"""Business rules, one module each, named after the rule; pure functions over plain values,
tested without a database (tests/domain/)."""
