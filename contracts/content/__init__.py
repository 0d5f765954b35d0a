"""The content service's REST wire: the request and response bodies its routes declare and the gateway parses."""
