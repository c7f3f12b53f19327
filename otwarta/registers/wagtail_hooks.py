"""Wagtail admin of the registers (menu "Registers"): registers, hotlines, and people with their language
pairs, duty slots and exceptions edited inline. Rights: see ``permissions``. Creating, editing and
deleting are recorded in Wagtail's audit log by the snippet views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from otwarta.institutions.models import Area, AreaKind

from .models import Hotline, Person, Register, Specialisation
from .permissions import RegisterScopedPolicy, managed_registers


class ScopedFormMixin:
    """Offers only the registers the user manages."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        fields = self.fields  # type: ignore[attr-defined]
        if "register" in fields and user is not None:
            fields["register"].queryset = managed_registers(user)


class HotlineForm(ScopedFormMixin, WagtailAdminModelForm):
    pass


class PersonForm(ScopedFormMixin, WagtailAdminModelForm):
    specialisations = forms.MultipleChoiceField(
        label=_("specialisations"), choices=Specialisation.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "areas" in self.fields:
            areas = self.fields["areas"]
            areas.queryset = Area.objects.filter(kind__in=[AreaKind.COUNTY, AreaKind.CITY_COUNTY]).order_by("name")
            areas.widget = forms.CheckboxSelectMultiple(choices=areas.choices)


class InstanceGuardMixin:
    """Refuse (403) objects outside the user's registers, in every view that loads one object."""

    def get_object(self, *args: Any, **kwargs: Any) -> Any:
        obj = super().get_object(*args, **kwargs)  # type: ignore[misc]
        policy = self.permission_policy  # type: ignore[attr-defined]
        if policy is not None and not policy.user_has_permission_for_instance(self.request.user,  # type: ignore[attr-defined]
                                                                              "change", obj):
            raise PermissionDenied
        return obj


class GuardedEditView(InstanceGuardMixin, snippet_views.EditView):
    pass


class GuardedDeleteView(InstanceGuardMixin, snippet_views.DeleteView):
    pass


class GuardedHistoryView(InstanceGuardMixin, snippet_views.HistoryView):
    pass


class GuardedUsageView(InstanceGuardMixin, snippet_views.UsageView):
    pass


class GuardedInspectView(InstanceGuardMixin, snippet_views.InspectView):
    pass


class ScopedViewSet(SnippetViewSet):
    register_path: str | None = None
    copy_view_enabled = False
    edit_view_class = GuardedEditView
    delete_view_class = GuardedDeleteView
    history_view_class = GuardedHistoryView
    usage_view_class = GuardedUsageView
    inspect_view_class = GuardedInspectView

    @property
    def permission_policy(self) -> RegisterScopedPolicy:  # type: ignore[override]
        return RegisterScopedPolicy(self.model, self.register_path)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.permission_policy.instances_user_has_any_permission_for(request.user, ["change"])


class RegisterViewSet(ScopedViewSet):
    model = Register
    icon = "list-ul"
    menu_label = _("Registers")
    list_display = ["__str__", "slug", "institution", "coordinator_email"]
    panels = [
        FieldPanel("kind"), FieldPanel("slug"), FieldPanel("institution"),
        FieldRowPanel([FieldPanel("coordinator_name"), FieldPanel("coordinator_email")]),
        FieldPanel("sort_order"),
    ]


class HotlineViewSet(ScopedViewSet):
    model = Hotline
    register_path = "register"
    icon = "mobile-alt"
    menu_label = _("Hotlines")
    list_display = ["number", "register", "languages", "hours"]
    list_filter = ["register"]

    def get_edit_handler(self) -> ObjectList:
        return ObjectList([FieldPanel("register"), FieldPanel("number"), FieldPanel("languages"),
                           FieldPanel("hours"), FieldPanel("sort_order")],
                          base_form_class=HotlineForm).bind_to_model(self.model)


class PersonViewSet(ScopedViewSet):
    model = Person
    register_path = "register"
    icon = "user"
    menu_label = _("People")
    list_display = ["display_name", "register", "work_mode", "is_published"]
    list_filter = ["register", "is_published", "work_mode", "sworn_translator"]
    search_fields = ["display_name", "email"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("register")

    def get_edit_handler(self) -> ObjectList:
        return ObjectList([
            FieldPanel("register"),
            FieldPanel("display_name"),
            MultiFieldPanel([FieldPanel("email"), FieldPanel("phone"), FieldPanel("public_phone")],
                            heading=_("Contact")),
            InlinePanel("language_pairs", heading=_("Languages"), label=_("language pair"), min_num=1),
            FieldPanel("specialisations"),
            FieldRowPanel([FieldPanel("sworn_translator"), FieldPanel("sworn_number")]),
            FieldPanel("work_mode"),
            FieldPanel("areas"),
            MultiFieldPanel([FieldPanel("consent_given_at"), FieldPanel("consent_note"), FieldPanel("is_published")],
                            heading=_("Consent and publication")),
            InlinePanel("duty_slots", heading=_("Duty rota (Polish local time)"), label=_("duty slot")),
            InlinePanel("duty_exceptions", heading=_("Exceptions to the rota"), label=_("exception")),
        ], base_form_class=PersonForm).bind_to_model(self.model)


class RegistersGroup(SnippetViewSetGroup):
    items = (PersonViewSet, HotlineViewSet, RegisterViewSet)
    menu_icon = "list-ul"
    menu_label = _("Registers")
    menu_order = 260


register_snippet(RegistersGroup)
