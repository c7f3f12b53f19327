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

from django.contrib.auth.models import Group, Permission

from otwarta.institutions.permissions import REGIONAL_ADMIN_ACTIONS, InstitutionRecordPolicy
from otwarta.institutions.services import REGIONAL_ADMINS


def grant_regional_admins(using: str = "default") -> Group:
    group, _created = Group.objects.using(using).get_or_create(name=REGIONAL_ADMINS)
    group.permissions.add(*Permission.objects.using(using).filter(
        content_type__app_label="forms_library",
        codename__in=[f"{action}_officialform" for action in REGIONAL_ADMIN_ACTIONS],
    ))
    return group


class OfficialFormPermissionPolicy(InstitutionRecordPolicy):
    """Model permissions, plus the rights of institution members on their own institution's forms."""
