"""Fixes for wagtail-2fa 1.8 (with django-otp 1.7 and Wagtail 7).

The sign-in code prompt
~~~~~~~~~~~~~~~~~~~~~~~
django-otp 1.7 stopped trying every device of a user in turn when a token comes without a chosen device
(doing so counted failures against the user's other devices); the form must now say which device the code
comes from. wagtail-2fa 1.8's ``TokenForm`` has no device field, so every code was refused with "Please
select a device" and nobody with a device could sign in. This form picks the user's only device itself and
asks which one when there are several.

Managing another account's devices
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
wagtail-2fa checks a permission that does not exist (``user.change_user``), so only superusers could
remove the device of a colleague who lost their phone. The views below check the real permission.

The views replace wagtail-2fa's at the same URLs and URL names (``wagtail_hooks.two_factor_urls``).

Who must have a device
~~~~~~~~~~~~~~~~~~~~~~
``two_factor_required_for`` decides it for ``core.middleware.AdminTwoFactorMiddleware``: everyone with
admin access when ``WAGTAIL_2FA_REQUIRED``; with ``OTWARTA_2FA_REQUIRED_ROLES`` the accounts that can
publish or manage others (superusers, regional administrators, institutions' moderators).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail_2fa import forms as upstream_forms
from wagtail_2fa import views as upstream_views


def holds_a_privileged_role(user: Any) -> bool:
    """Superusers, members of "Regional administrators" and members of any institution's moderators group:
    the accounts that publish, approve or manage other accounts."""
    from .models import Institution
    from .services import REGIONAL_ADMINS

    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    group_ids = list(user.groups.values_list("pk", flat=True))
    if not group_ids:
        return False
    return (
        user.groups.filter(name=REGIONAL_ADMINS).exists()
        or Institution.objects.filter(Q(moderators_group_id__in=group_ids)).exists()
    )


def two_factor_required_for(user: Any) -> bool:
    """Whether ``user`` (who has admin access) must have a confirmed device before using the admin."""
    if settings.WAGTAIL_2FA_REQUIRED:
        return True
    return bool(getattr(settings, "OTWARTA_2FA_REQUIRED_ROLES", False)) and holds_a_privileged_role(user)


class TokenForm(upstream_forms.TokenForm):
    otp_device = forms.ChoiceField(label=_("Device"), required=False)

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True)) if user.is_authenticated else []
        if len(self.devices) > 1:
            self.fields["otp_device"].choices = self.device_choices(user)
            self.fields["otp_device"].required = True
        else:
            del self.fields["otp_device"]

    def clean(self) -> dict[str, Any]:
        if len(self.devices) == 1:
            self.cleaned_data["otp_device"] = self.devices[0].persistent_id
        return super().clean()


class LoginView(upstream_views.LoginView):
    form_class = TokenForm


def may_manage_devices_of(user: Any, owner: Any) -> bool:
    """Everyone manages their own devices; account managers (the regional administrators) those of others,
    e.g. after a lost phone, except a superuser's, which only superusers touch."""
    if owner.pk == user.pk:
        return True
    if owner.is_superuser and not user.is_superuser:
        return False
    opts = get_user_model()._meta
    return user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


class DeviceListView(upstream_views.DeviceListView):
    """wagtail-2fa checks the non-existent permission ``user.change_user`` here, so that only superusers
    could see another account's devices; this checks the real one."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        owner = get_object_or_404(get_user_model(), pk=kwargs["user_id"])
        if not may_manage_devices_of(request.user, owner):
            raise PermissionDenied
        return upstream_views.OtpRequiredMixin.dispatch(self, request, *args, **kwargs)


class DeviceDeleteView(upstream_views.DeviceDeleteView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        device = get_object_or_404(TOTPDevice, pk=kwargs["pk"])
        if not may_manage_devices_of(request.user, device.user):
            raise PermissionDenied
        return upstream_views.OtpRequiredMixin.dispatch(self, request, *args, **kwargs)

    def get_success_url(self) -> str:
        return reverse("wagtail_2fa_device_list", kwargs={"user_id": self.object.user_id})
