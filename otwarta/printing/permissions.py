"""Who may do what with print packs (the same rights as official forms and directory records).

* Regional administrators (and superusers): add, change, delete and view every pack, through ordinary model
  permissions held by their group (``grant_regional_admins``, to be run after every ``migrate``).
* An institution's editors and moderators: add, change and view their own institution's packs; deleting
  stays with the regional administrators. These rights follow from membership of the institution's groups.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db.models import QuerySet

from otwarta.institutions.permissions import InstitutionRecordPolicy, grant_regional_admins_on

from .models import PrintPack


def grant_regional_admins(using: str = "default") -> Group:
    group: Group = grant_regional_admins_on("printing", ("printpack",), using=using)
    return group


def pack_policy() -> InstitutionRecordPolicy:
    return InstitutionRecordPolicy(PrintPack)


def can(user: Any, action: str, pack: PrintPack) -> bool:
    """Whether ``user`` may ``action`` ("add", "change", "view", "delete") ``pack``."""
    return pack_policy().user_has_permission_for_instance(user, action, pack)


def packs_for(user: Any, action: str = "change") -> QuerySet[PrintPack]:
    return pack_policy().instances_user_has_permission_for(user, action)


def can_edit_packs(user: Any) -> bool:
    """Whether ``user`` works on any pack (menu items, the "Packs to fix" report)."""
    return pack_policy().user_has_permission(user, "change")
