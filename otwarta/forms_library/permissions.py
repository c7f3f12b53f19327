"""Who may do what with official forms.

* Regional administrators (and superusers): add, change, delete and view every form, through ordinary
  model permissions held by their group (granted after every ``migrate``, see apps.py).
* An institution's editors and moderators: add, change and view the forms of their own institution only;
  deleting stays with the regional administrators. These rights follow from membership of the
  institution's groups, as their page rights follow from the institution's section, so nothing has to be
  granted when an institution is created or renamed.

:class:`OfficialFormPermissionPolicy` enforces both in every admin view of the snippet.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import QuerySet
from wagtail.permission_policies import ModelPermissionPolicy

from otwarta.institutions.services import REGIONAL_ADMINS, own_institution_ids

REGIONAL_ADMIN_ACTIONS = ("add", "change", "delete", "view")
INSTITUTION_ACTIONS = ("add", "change", "view")


def grant_regional_admins(using: str = "default") -> Group:
    group, _created = Group.objects.using(using).get_or_create(name=REGIONAL_ADMINS)
    group.permissions.add(*Permission.objects.using(using).filter(
        content_type__app_label="forms_library",
        codename__in=[f"{action}_officialform" for action in REGIONAL_ADMIN_ACTIONS],
    ))
    return group


class OfficialFormPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, plus the rights of institution members on their own institution's forms."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        if super().user_has_permission(user, action):
            return True
        return action in INSTITUTION_ACTIONS and bool(own_institution_ids(user))

    def user_has_any_permission(self, user: Any, actions: Any) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Any) -> bool:
        if not self.user_has_permission(user, action):
            return False
        ids = own_institution_ids(user)
        return ids is None or (action in INSTITUTION_ACTIONS and instance.institution_id in ids)

    def instances_user_has_permission_for(self, user: Any, action: str) -> QuerySet[Any]:
        queryset = self.model._default_manager.all()
        if not self.user_has_permission(user, action):
            return queryset.none()
        ids = own_institution_ids(user)
        if ids is None:
            return queryset
        return queryset.filter(institution_id__in=ids) if action in INSTITUTION_ACTIONS else queryset.none()
