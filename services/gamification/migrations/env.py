from kit.migrations import run_migrations
from services.gamification.models import metadata
from services.gamification.settings import GamificationSettings

run_migrations(metadata, default_url=lambda: GamificationSettings().database_url)
