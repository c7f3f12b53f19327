"""Whose budget pays for machine-translating an object, and who may machine-translate it.

An article or an institution's section belongs to its institution (``ArticlePage.institution``, or the
``InstitutionPage`` above it); a snippet to its ``institution`` field (as registered with
``otwarta.translations.registry``). Objects of no institution — the home page, topic pages, the list of
institutions — are charged to nobody, so only regional administrators and superusers may machine-translate
them.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from wagtail.models import Page

from otwarta.institutions.models import Institution
from otwarta.institutions.services import REGIONAL_ADMINS, institutions_for_user


def is_regional_admin(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_otwarta_is_regional", None)
    if cached is None:
        cached = user.groups.filter(name=REGIONAL_ADMINS).exists()
        user._otwarta_is_regional = cached
    return bool(cached)


def owning_institution(instance: models.Model) -> Institution | None:
    """The institution whose budget pays for machine-translating ``instance`` (None: nobody's)."""
    if isinstance(instance, Page):
        from otwarta.portal.models import InstitutionPage

        specific = instance.specific_deferred
        institution_id = getattr(specific, "institution_id", None)
        if institution_id:
            return Institution.objects.get(pk=institution_id)
        # The nearest InstitutionPage among the ancestors (treebeard paths: 4 characters a level).
        paths = [instance.path[:end] for end in range(Page.steplen, len(instance.path) + 1, Page.steplen)]
        owner = (InstitutionPage.objects.filter(path__in=paths).select_related("institution")
                 .order_by("-depth").first())
        return owner.institution if owner else None
    from otwarta.translations.registry import tracked_for

    tracked = tracked_for(type(instance))
    field = tracked.institution_field if tracked and tracked.institution_field else "institution"
    value = getattr(instance, field, None)
    return value if isinstance(value, Institution) else None


def user_can_edit(user: Any, instance: models.Model) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if isinstance(instance, Page):
        return bool(instance.permissions_for_user(user).can_edit())
    opts = instance._meta
    return bool(user.has_perm(f"{opts.app_label}.change_{opts.model_name}"))


def can_machine_translate(user: Any, instance: models.Model) -> bool:
    """Whether ``user`` may machine-translate ``instance`` (a Polish source or one of its translations):
    they can edit it, and it belongs to an institution — or they are a regional administrator."""
    if not user_can_edit(user, instance):
        return False
    owner = owning_institution(instance)
    if owner is None:
        return is_regional_admin(user)
    if isinstance(instance, Page):
        return True
    return is_regional_admin(user) or owner in institutions_for_user(user)
