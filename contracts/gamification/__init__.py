"""The gamification service's wire: its events (``events``) and the request and response bodies of its REST API,
which its routes declare and the gateway parses."""
