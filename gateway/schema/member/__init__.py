"""Members and memberships in the GraphQL schema."""
