"""The permission policy of records an institution maintains (official forms, directory records).

Regional administrators and superusers act through ordinary model permissions; an institution's editors and
moderators add, change and view the records whose ``institution`` is theirs, with no model permission of
their own (their rights follow from membership of the institution's groups).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from wagtail.permission_policies import ModelPermissionPolicy

from .services import own_institution_ids

REGIONAL_ADMIN_ACTIONS = ("add", "change", "delete", "view")
INSTITUTION_ACTIONS = ("add", "change", "view")


class InstitutionRecordPolicy(ModelPermissionPolicy):
    """Model permissions, plus the rights of institution members on their own institution's records."""

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
        return ids is None or (action in INSTITUTION_ACTIONS and self._institution_id(instance) in ids)

    def _institution_id(self, instance: Any) -> int | None:
        """The record's institution; read from the database when ``instance`` is a bare ``Model(pk=…)``
        (Wagtail's admin URL finder, e.g. on the translation dashboard, passes such shells)."""
        institution_id: int | None = instance.institution_id
        if institution_id is None and instance.pk is not None:
            institution_id = (self.model._default_manager.filter(pk=instance.pk)
                              .values_list("institution_id", flat=True).first())
        return institution_id

    def instances_user_has_permission_for(self, user: Any, action: str) -> QuerySet[Any]:
        queryset = self.model._default_manager.all()
        if not self.user_has_permission(user, action):
            return queryset.none()
        ids = own_institution_ids(user)
        if ids is None:
            return queryset
        return queryset.filter(institution_id__in=ids) if action in INSTITUTION_ACTIONS else queryset.none()


def grant_regional_admins_on(app_label: str, model_names: tuple[str, ...], using: str = "default") -> Any:
    """Give the regional administrators' group every action on ``model_names`` of ``app_label`` (run after
    every ``migrate``; granting again is harmless). Returns the group."""
    from django.contrib.auth.models import Group, Permission

    from .services import REGIONAL_ADMINS

    group, _created = Group.objects.using(using).get_or_create(name=REGIONAL_ADMINS)
    group.permissions.add(*Permission.objects.using(using).filter(
        content_type__app_label=app_label,
        codename__in=[f"{action}_{model}" for action in REGIONAL_ADMIN_ACTIONS for model in model_names],
    ))
    return group
