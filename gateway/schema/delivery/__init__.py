"""The chat dispatcher's delivery log in GraphQL."""
