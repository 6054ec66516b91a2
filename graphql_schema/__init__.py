"""The GraphQL API (Strawberry): dashboards and developers; same domain service as REST."""
