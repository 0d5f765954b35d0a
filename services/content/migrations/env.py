from kit.migrations import run_migrations
from services.content.models import metadata
from services.content.settings import ContentSettings

run_migrations(metadata, default_url=lambda: ContentSettings().database_url)
