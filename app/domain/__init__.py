"""Commands, value objects and error codes: the rules both REST and GraphQL obey."""
