from kit.migrations import run_migrations
from services.membership.models import metadata
from services.membership.settings import MembershipSettings

run_migrations(metadata, default_url=lambda: MembershipSettings().database_url)
