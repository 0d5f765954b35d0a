"""Event payloads that services exchange: the published contract between producers and consumers.

Services never import one another; they share these schemas instead. Only pydantic models here.
"""
