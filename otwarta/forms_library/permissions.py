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

from django.contrib.auth.models import Group

from otwarta.institutions.permissions import InstitutionRecordPolicy, grant_regional_admins_on


def grant_regional_admins(using: str = "default") -> Group:
    group: Group = grant_regional_admins_on("forms_library", ("officialform",), using=using)
    return group


class OfficialFormPermissionPolicy(InstitutionRecordPolicy):
    """Model permissions, plus the rights of institution members on their own institution's forms."""
