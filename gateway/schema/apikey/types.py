"""GraphQL types of API keys."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway.models import ApiKey as ApiKeyRow


@strawberry.type(description="An API key. Its secret is shown once, when it is created, and never again.")
class ApiKey:
    id: strawberry.ID
    name: str = strawberry.field(description="A label you chose, to tell keys apart (1 to 100 characters).")
    role: str = strawberry.field(
        description="community_admin (acts for one community as its admin) or platform_admin (every community)."
    )
    community_id: strawberry.ID | None = strawberry.field(
        description="The community the key acts for; null for a platform-admin key."
    )
    created_at: datetime

    @classmethod
    def from_row(cls, row: ApiKeyRow) -> ApiKey:
        return cls(
            id=strawberry.ID(row.id),
            name=row.name,
            role=row.role,
            community_id=strawberry.ID(row.community_id) if row.community_id else None,
            created_at=row.created_at,
        )
