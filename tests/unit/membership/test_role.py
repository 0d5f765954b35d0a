"""The permission matrix and who may move whom between roles (services/membership/domain/role.py)."""

from __future__ import annotations

import pytest

from services.membership.domain.role import Permission, Role, RoleChangeRefused, can, check_role_change


def test_only_the_owner_assigns_admins_and_admins_assign_moderators() -> None:
    assert can(Role.OWNER, Permission.ASSIGN_ADMIN)
    assert not can(Role.ADMIN, Permission.ASSIGN_ADMIN)
    assert can(Role.ADMIN, Permission.ASSIGN_MODERATOR)
    assert not can(Role.MODERATOR, Permission.ASSIGN_MODERATOR)
    assert can(Role.ADMIN, Permission.MANAGE_MEMBERSHIPS) and not can(Role.MODERATOR, Permission.MANAGE_MEMBERSHIPS)


@pytest.mark.parametrize(
    ("actor", "current", "new", "needed"),
    [
        (Role.OWNER, Role.MEMBER, Role.ADMIN, Permission.ASSIGN_ADMIN),
        (Role.OWNER, Role.ADMIN, Role.MEMBER, Permission.ASSIGN_ADMIN),
        (Role.ADMIN, Role.MEMBER, Role.MODERATOR, Permission.ASSIGN_MODERATOR),
        (Role.ADMIN, Role.MODERATOR, Role.MEMBER, Permission.ASSIGN_MODERATOR),
        (None, Role.MODERATOR, Role.ADMIN, Permission.ASSIGN_ADMIN),
    ],
)
def test_allowed_changes_name_the_permission_they_need(
    actor: Role | None, current: Role, new: Role, needed: Permission
) -> None:
    assert check_role_change(actor_role=actor, current=current, new=new) is needed


@pytest.mark.parametrize(
    ("actor", "current", "new", "code"),
    [
        (Role.ADMIN, Role.MEMBER, Role.ADMIN, "permission_denied"),
        (Role.ADMIN, Role.ADMIN, Role.MEMBER, "permission_denied"),
        (Role.MODERATOR, Role.MEMBER, Role.MODERATOR, "permission_denied"),
        (Role.MEMBER, Role.MEMBER, Role.MODERATOR, "permission_denied"),
        (Role.OWNER, Role.OWNER, Role.ADMIN, "owner_required"),
        (None, Role.OWNER, Role.MEMBER, "owner_required"),
        (None, Role.ADMIN, Role.OWNER, "ownership_by_transfer_only"),
    ],
)
def test_refused_changes_say_why(actor: Role | None, current: Role, new: Role, code: str) -> None:
    with pytest.raises(RoleChangeRefused) as refused:
        check_role_change(actor_role=actor, current=current, new=new)
    assert refused.value.code == code
