from gateway.models import metadata
from gateway.settings import GatewaySettings
from kit.migrations import run_migrations

run_migrations(metadata, default_url=lambda: GatewaySettings().database_url)
