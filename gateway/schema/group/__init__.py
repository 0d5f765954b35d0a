"""Groups (chat rooms) in the GraphQL schema."""
