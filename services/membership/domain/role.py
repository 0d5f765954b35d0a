"""Roles inside a community and what each may do.

The owner and the admins are separate people (one role per member), and a community always keeps
exactly one owner: ownership moves only by transfer.
"""

from __future__ import annotations

from enum import StrEnum

from contracts.membership.member import Role as Role


class Permission(StrEnum):
    MANAGE_COMMUNITY = "manage_community"  # mission, rules, settings, groups
    MANAGE_TIERS = "manage_tiers"  # tiers, gates, invitation and live codes
    ASSIGN_MODERATOR = "assign_moderator"
    ASSIGN_ADMIN = "assign_admin"
    TRANSFER_OWNERSHIP = "transfer_ownership"
    REVIEW_APPLICATIONS = "review_applications"
    MODERATE = "moderate"  # strikes, warnings, mutes
    REMOVE_MEMBER = "remove_member"
    BAN_MEMBER = "ban_member"
    PURGE = "purge"
    IMPORT_MEMBERS = "import_members"
    VIEW_AUDIT = "view_audit"
    LOCK_STANDING = "lock_standing"
    MANAGE_MEMBERSHIPS = "manage_memberships"  # renewals, group presence


_MODERATOR = frozenset({Permission.REVIEW_APPLICATIONS, Permission.MODERATE, Permission.VIEW_AUDIT})
_ADMIN = _MODERATOR | {
    Permission.MANAGE_COMMUNITY,
    Permission.MANAGE_TIERS,
    Permission.ASSIGN_MODERATOR,
    Permission.REMOVE_MEMBER,
    Permission.BAN_MEMBER,
    Permission.PURGE,
    Permission.IMPORT_MEMBERS,
    Permission.LOCK_STANDING,
    Permission.MANAGE_MEMBERSHIPS,
}
_OWNER = _ADMIN | {Permission.ASSIGN_ADMIN, Permission.TRANSFER_OWNERSHIP}

MATRIX: dict[Role, frozenset[Permission]] = {
    Role.OWNER: _OWNER,
    Role.ADMIN: frozenset(_ADMIN),
    Role.MODERATOR: _MODERATOR,
    Role.MEMBER: frozenset(),
}

RANK = {Role.OWNER: 3, Role.ADMIN: 2, Role.MODERATOR: 1, Role.MEMBER: 0}


def can(role: Role, permission: Permission) -> bool:
    return permission in MATRIX[role]


def outranks(actor: Role, target: Role) -> bool:
    """Moderation and role changes only go downwards: nobody acts on a peer or a superior."""
    return RANK[actor] > RANK[target]


def permission_to_assign(role: Role) -> Permission:
    """What an actor needs to give someone ``role`` (or take it away)."""
    if role is Role.OWNER:
        return Permission.TRANSFER_OWNERSHIP
    if role is Role.ADMIN:
        return Permission.ASSIGN_ADMIN
    return Permission.ASSIGN_MODERATOR


class RoleChangeRefused(ValueError):
    """A role change nobody may make this way (``code`` says why), or one this actor may not make."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def check_role_change(*, actor_role: Role | None, current: Role, new: Role) -> Permission:
    """The permission an actor needs to move someone from ``current`` to ``new``.

    ``actor_role`` is the role of a member acting through an integrator, or None for the community's key
    (which acts with the owner's rights). Ownership never moves here: it moves only by transfer, so the
    owner can be neither demoted nor crowned by a role change.
    """
    if new is Role.OWNER:
        raise RoleChangeRefused("ownership_by_transfer_only", "ownership moves only by transfer")
    if current is Role.OWNER:
        raise RoleChangeRefused("owner_required", "the owner cannot be demoted; transfer ownership first")
    needed = permission_to_assign(max(current, new, key=RANK.__getitem__))
    if actor_role is not None:
        if not can(actor_role, needed):
            raise RoleChangeRefused("permission_denied", f"a {actor_role} may not {needed.replace('_', ' ')}")
        if not (outranks(actor_role, current) and outranks(actor_role, new)):
            raise RoleChangeRefused("permission_denied", f"a {actor_role} may only change the roles of those below")
    return needed
