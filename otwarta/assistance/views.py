"""Public views: the request form (rate-limited, spam-resistant), the page shown once after sending it with
the private link, and the private follow page where the requester sees and may cancel the request."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import get_usage

from otwarta.core.middleware import client_ip_address
from otwarta.registers.models import Hotline

from . import services
from .forms import HONEYPOT, RequestForm, form_timestamp
from .languages import language_name
from .models import AssistanceRequest, RequestAction

SESSION_TOKEN = "assistance_new_token"  # noqa: S105 (a session key, not a secret)
RATE_GROUP = "otwarta.assistance.request"


def rates() -> tuple[str, ...]:
    """Requests accepted per client address (django-ratelimit rates)."""
    return tuple(getattr(settings, "OTWARTA_REQUEST_RATE_LIMITS", ("5/h", "20/d")))


def _client_key(group: str, request: HttpRequest) -> str:
    return client_ip_address(request) or "unknown"


def rate_limited(request: HttpRequest) -> bool:
    """Whether the client has used up one of its rates (checked before a submission is handled)."""
    for rate in rates():
        usage = get_usage(request, group=f"{RATE_GROUP}.{rate}", key=_client_key, rate=rate, method="POST")
        if usage is not None and usage["count"] >= usage["limit"]:
            return True
    return False


def count_submission(request: HttpRequest) -> None:
    """Count one submission against every rate (a created request, or one refused as spam)."""
    for rate in rates():
        get_usage(request, group=f"{RATE_GROUP}.{rate}", key=_client_key, rate=rate, method="POST", increment=True)


def _private(response: HttpResponse) -> HttpResponse:
    """Pages with personal data or the private link: not indexed, not cached, no referrer to other sites.

    Not "no-referrer": under that policy browsers send ``Origin: null`` with the page's own forms (the
    request form, the cancel button), and Django's CSRF check refuses them."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


def _hotlines() -> list[Hotline]:
    return list(Hotline.objects.select_related("register").order_by("register__sort_order", "sort_order"))


def _initial_from_query(request: HttpRequest) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    if request.GET.get("register"):
        initial["register"] = request.GET["register"]
    if request.GET.get("language"):
        initial["language"] = request.GET["language"]
    if request.GET.get("specialisation"):
        initial["specialisation"] = request.GET["specialisation"]
    return initial


def _render_form(request: HttpRequest, form: RequestForm, *, status: int = 200,
                 limited: bool = False) -> HttpResponse:
    form.annotate()
    response = TemplateResponse(request, "assistance/request_form.html", {
        "form": form,
        "errors": form.error_list() if form.is_bound else [],
        "rate_limited": limited,
        "hotlines": _hotlines(),
        "retention_days": services.retention_days(),
        "honeypot": form[HONEYPOT],
    }, status=status)
    return _private(response)


def _keep_input(form: RequestForm) -> None:
    """Show the form again with what was typed, a fresh timestamp and an empty honeypot."""
    data = cast(QueryDict, form.data).copy()
    data["started"] = form_timestamp()
    data[HONEYPOT] = ""
    form.data = data


@never_cache
@require_http_methods(["GET", "POST"])
def request_form(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_form(request, RequestForm(initial=_initial_from_query(request)))
    if rate_limited(request):
        # Everything typed is shown again (as initial values, without validation errors).
        typed = {key: value for key, value in request.POST.items()
                 if key not in (HONEYPOT, "started", "csrfmiddlewaretoken")}
        return _render_form(request, RequestForm(initial=typed), status=429, limited=True)
    form = RequestForm(request.POST)
    if not form.is_valid():
        if form.spam:
            count_submission(request)
        _keep_input(form)
        return _render_form(request, form, status=400)
    req, token = services.create_request(**form.request_fields())
    count_submission(request)
    request.session[SESSION_TOKEN] = token
    return redirect("assistance:sent")


@never_cache
def request_sent(request: HttpRequest) -> HttpResponse:
    """Shown once after sending: the private link is taken out of the session."""
    token = request.session.pop(SESSION_TOKEN, None)
    req = services.find_by_token(token) if token else None
    if req is None:
        return redirect("assistance:request")
    response = TemplateResponse(request, "assistance/sent.html", {
        "req": req,
        "follow_url": request.build_absolute_uri(_follow_path(token)),
        "language": language_name(req.language),
    })
    return _private(response)


def _follow_path(token: str) -> str:
    from django.urls import reverse

    return reverse("assistance:follow", args=[token])


def _request_or_404(token: str) -> AssistanceRequest:
    req = services.find_by_token(token)
    if req is None:
        raise Http404
    return req


def _follow_response(request: HttpRequest, req: AssistanceRequest, token: str, *, status: int = 200,
                     error: str = "") -> HttpResponse:
    events = [e for e in req.events.select_related("person").all() if e.action != RequestAction.NOTE]
    response = TemplateResponse(request, "assistance/follow.html", {
        "req": req,
        "token": token,
        "events": events,
        "language": language_name(req.language),
        "person": req.assigned_person if req.state in ("assigned", "done") else None,
        "can_cancel": req.is_open,
        "error": error,
        "retention_days": services.retention_days(),
        "hotlines": [h for h in _hotlines() if h.register_id == req.register_id],
    }, status=status)
    return _private(response)


@never_cache
def follow(request: HttpRequest, token: str) -> HttpResponse:
    return _follow_response(request, _request_or_404(token), token)


@never_cache
@require_http_methods(["POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    req = _request_or_404(token)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        req = services.transition(req, RequestAction.CANCEL, by_requester=True, expected_version=version)
    except services.StaleRequestError as exc:
        req.refresh_from_db()
        return _follow_response(request, req, token, status=409, error=str(exc.message))
    except services.RequestError as exc:
        req.refresh_from_db()
        return _follow_response(request, req, token, status=400, error=str(exc.message))
    return redirect("assistance:follow", token)

