"""Who may manage what in the registers (Wagtail permission policies, enforced by every admin view).

* Regional administrators (and superusers) manage everything: registers, hotlines, people and rota.
* The editors and moderators of a register's coordinating institution manage that register's hotlines,
  people, language pairs, duty slots and exceptions (not the register record itself).
* Anyone else: nothing (the "Registers" menu is not shown, every view answers 403).

The rule does not use Django model permissions, so no group needs to be set up for it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model, Q, QuerySet
from wagtail.permission_policies.base import BasePermissionPolicy

from otwarta.institutions.services import REGIONAL_ADMINS

from .models import Register


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_regional_admin(user: Any) -> bool:
    if not _active(user):
        return False
    cached = getattr(user, "_registers_regional", None)
    if cached is None:
        cached = user.is_superuser or user.groups.filter(name=REGIONAL_ADMINS).exists()
        user._registers_regional = cached
    return bool(cached)


def managed_register_ids(user: Any) -> set[int]:
    """The registers whose people and rota ``user`` manages (cached on the user object per request)."""
    if not _active(user):
        return set()
    cached = getattr(user, "_registers_managed", None)
    if cached is None:
        registers = Register.objects.all()
        if not is_regional_admin(user):
            groups = list(user.groups.values_list("pk", flat=True))
            registers = registers.filter(Q(institution__editors_group_id__in=groups)
                                         | Q(institution__moderators_group_id__in=groups))
        cached = set(registers.values_list("pk", flat=True))
        user._registers_managed = cached
    return set(cached)


def managed_registers(user: Any) -> QuerySet[Register]:
    return Register.objects.filter(pk__in=managed_register_ids(user))


class RegisterScopedPolicy(BasePermissionPolicy):
    """Regional administrators: every action. Coordinating institutions: every action on the rows of
    their registers, when ``register_path`` is given (the path from the model to its register)."""

    def __init__(self, model: type[Model], register_path: str | None) -> None:
        super().__init__(model)
        self.register_path = register_path

    def _coordinates(self, user: Any) -> bool:
        return self.register_path is not None and bool(managed_register_ids(user))

    def user_has_permission(self, user: Any, action: str) -> bool:
        return is_regional_admin(user) or self._coordinates(user)

    def user_has_any_permission(self, user: Any, actions: Any) -> bool:
        return bool(actions) and self.user_has_permission(user, next(iter(actions)))

    def _register_id(self, instance: Any) -> int | None:
        value = instance
        for step in (self.register_path or "").split("__"):
            value = getattr(value, step, None)
            if value is None:
                return None
        return getattr(value, "pk", None)

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Any) -> bool:
        if is_regional_admin(user):
            return True
        if not self._coordinates(user):
            return False
        return self._register_id(instance) in managed_register_ids(user)

    def instances_user_has_any_permission_for(self, user: Any, actions: Any) -> QuerySet[Any]:
        manager = self.model._default_manager
        if is_regional_admin(user):
            return manager.all()
        if not self._coordinates(user):
            return manager.none()
        return manager.filter(**{f"{self.register_path}__in": managed_register_ids(user)})

    def users_with_any_permission(self, actions: Any) -> QuerySet[Any]:
        users = get_user_model()._default_manager.filter(is_active=True)
        q = Q(is_superuser=True) | Q(groups__name=REGIONAL_ADMINS)
        if self.register_path is not None:
            groups = [g for pair in Register.objects.values_list("institution__editors_group_id",
                                                                 "institution__moderators_group_id")
                      for g in pair if g is not None]
            q |= Q(groups__in=groups)
        return users.filter(q).distinct()
