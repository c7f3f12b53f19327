"""Who may do what with the service directory (docs/directory.md, "Editing").

* Regional administrators (and superusers): everything on every record, through ordinary model
  permissions held by their group (granted after every ``migrate``, see apps.py).
* An institution's editors and moderators: add, change and view the organisations, services and
  locations their institution maintains (``institution``); they hold no model permission: the right
  follows from membership of the institution's groups, as their page rights follow from its section.
  Deleting stays with the regional administrators.
* Service categories (taxonomy terms) and taxonomies: edited by regional administrators only; everybody
  who edits a service may choose terms (the service form lists them).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db.models import Model, QuerySet

from otwarta.institutions.permissions import InstitutionRecordPolicy, grant_regional_admins_on
from otwarta.institutions.services import own_institution_ids

# Models an institution maintains (by their ``institution`` field), and models for regional administrators.
INSTITUTION_MODELS = ("organization", "service", "location")
REGIONAL_MODELS = ("taxonomy", "taxonomyterm")


def grant_regional_admins(using: str = "default") -> Group:
    group: Group = grant_regional_admins_on("directory", INSTITUTION_MODELS + REGIONAL_MODELS, using=using)
    return group


def policy_for(model: type[Model]) -> InstitutionRecordPolicy:
    return InstitutionRecordPolicy(model)


def can(user: Any, action: str, record: Model) -> bool:
    """Whether ``user`` may ``action`` ("add", "change", "view", "delete") the directory ``record``."""
    return policy_for(type(record)).user_has_permission_for_instance(user, action, record)


def records_for(user: Any, model: type[Model], action: str = "change") -> QuerySet[Any]:
    return policy_for(model).instances_user_has_permission_for(user, action)


def can_use_directory(user: Any) -> bool:
    """Whether ``user`` works on any directory record (for menu items and the "to confirm" report)."""
    ids = own_institution_ids(user)
    return ids is None or bool(ids)
