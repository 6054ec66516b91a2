"""The domain service: one module per aggregate, called by REST and GraphQL alike."""
