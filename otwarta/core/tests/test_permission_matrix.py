"""Permission matrix: every admin view, API endpoint and public view, for every role.

Every URL pattern of the resolver is requested (GET, and an empty POST where the view takes one) by each
role of ``permission_matrix.ROLES`` and the outcome is compared with ``POLICY``. A new pattern matched by
no rule fails the test: add one line to ``POLICY``. Set ``PERMISSION_MATRIX_DUMP=/tmp/m.json`` to write
the observed matrix."""

from __future__ import annotations

import json
import os
import re
from typing import Any

import pytest

from otwarta.core.tests import permission_matrix as pm

A, N, F, E, M, R, S = pm.ROLES
PUBLIC = frozenset(pm.ROLES)  # anyone; only "no server error" is checked
STAFF = frozenset({F, E, M, R, S})  # every account with admin access
OWN = frozenset({E, M, R, S})  # the objects' institution (urzad), regional administrators, superusers
OWN_MODERATOR = frozenset({M, R, S})
REGION = frozenset({R, S})
SUPERUSER = frozenset({S})
NOBODY = frozenset()  # refused to every role with the test's objects (reason in a comment)

# (regular expression matched against "<url name>  <route>", roles allowed). First match wins.
POLICY: list[tuple[str, frozenset[str]]] = [
    # --- public site, API and admin sign-in pages ---
    (r"^(sitemap|robots_txt|service_worker|search|wagtail_serve|wagtailcore_\w+|wagtaildocs_\w+)  ", PUBLIC),
    (r"^(hsds|core|forms_library|assistance|directory|registers|printing):", PUBLIC),
    (r"^guide_pdf  ", PUBLIC),
    (r"^wagtailadmin_(login|password_reset\w*|javascript_catalog|sprite)  ", PUBLIC),
    # --- accounts, groups, sites, locales, workflows, redirects, audit: regional administrators ---
    (r"^wagtailusers_groups:(index|index_results)  ", REGION),
    (r"^wagtailusers_groups:", SUPERUSER),  # the rights model itself: superusers only
    (r"^otwarta_guide:", REGION),  # those who may edit the guide page (outside every institution)
    (r"^wagtailadmin_collections:", SUPERUSER),
    (r"^(wagtailusers_users|wagtailsites|wagtaillocales|wagtailredirects|wagtailsettings):", REGION),
    (r"^wagtailadmin_workflows:(usage|usage_results|task_chooser\w*|task_chosen)  ", STAFF),
    (r"^wagtailadmin_workflows:", REGION),
    (r"^otwarta_audit:", REGION),
    (r"^otwarta_metrics:", REGION),
    # --- snippets ---
    (r"^wagtailsnippets_(directory_taxonomy|directory_taxonomyterm|institutions_area|machine_translation_\w+"
     r"|registers_register):", REGION),
    (r"^wagtailsnippets_institutions_institution:(list|list_results)  ", STAFF),
    (r"^wagtailsnippets_institutions_institution:inspect  ", OWN),
    (r"^wagtailsnippets_institutions_institution:", REGION),
    (r"^wagtailsnippets_registers_(hotline|person):", OWN),  # the register's institution
    (r"^wagtailsnippets_\w+:(list|list_results|add)  ", STAFF),
    (r"^wagtailsnippets_\w+:delete  ", REGION),
    (r"^wagtailsnippets_\w+:(edit|history|history_results|usage)  ", OWN),
    (r"^wagtailsnippetchoosers_registers_\w+:create  ", SUPERUSER),
    (r"^(wagtailsnippetchoosers_\w+|printing_service_chooser):create  ", REGION),
    (r"^wagtailsnippetchoosers_directory_(location|organization|service):chosen  ", OWN),
    (r"^(wagtailsnippetchoosers_\w+|printing_service_chooser):", STAFF),
    # --- pages of the urzad institution ---
    (r"^wagtailadmin_pages:unlock  ", SUPERUSER),  # locked by nobody: only a superuser may unlock
    (r"^wagtailadmin_pages:(delete|unpublish|move|move_confirm|set_page_position|workflow_action|collect_workflow_action_data"
     r"|workflow_preview|set_privacy|lock|revisions_unschedule)  ", OWN_MODERATOR),
    (r"^wagtailadmin_reports:locked_pages", OWN_MODERATOR),
    (r"^wagtailadmin_pages:(add|preview_on_add|usage|edit|preview_on_edit|view_draft|add_subpage|copy"
     r"|revisions_view|revisions_revert|revisions_compare|workflow_history\w*|history\w*)  ", OWN),
    (r"^otwarta_review:mark_reviewed  ", NOBODY),  # no review task is open on the page
    (r"^otwarta_review:transition  ", NOBODY),  # the id is a workflow task's, not a translation task's: 404
    (r"^(wagtaildocs|wagtailimages):(create_multiple_from_uploaded_\w+|delete_upload_multiple)  ", NOBODY),
    # (an upload is usable by its uploader only; urzad-editor's GET is 405 and its POST not sent)
    (r"^wagtailadmin_api:pages:detail  ", OWN),
    (r"^wagtailadmin_api:pages:action  ", OWN_MODERATOR),  # copy: the editor may not publish the copy
    (r"^wagtailadmin_editing_sessions:ping  ", OWN),
    (r"^(otwarta_machine_translation:(translate_page|bulk_translate)|printing_submit_translation"
     r"|directory_submit_translation|wagtail_localize:(submit_snippet_translation|convert_to_alias))  ", OWN),
    (r"^otwarta_machine_translation:job  ", frozenset({E, R, S})),  # the job's requester
    (r"^otwarta_assistance:", OWN),  # the register's institution
    (r"^(wagtaildocs|wagtailimages):(edit|delete|preview|document_usage|image_usage|edit_multiple"
     r"|delete_multiple)  ", OWN),  # the institution's collection
    (r"^(wagtaildocs|wagtailimages)_chooser:chosen  ", OWN),
    (r"^(printing_admin:(status|regenerate)|directory_admin:(details|assure))  ", OWN),
    (r"^wagtail_2fa_device_list  ", frozenset({E, R, S})),  # the editor's own devices
    (r"^wagtail_2fa_device_remove  ", OWN_MODERATOR),  # the moderator's own device
    (r"^otwarta_currency:mark_checked  ", OWN_MODERATOR),
    (r"^wagtailforms:delete_submissions  ", NOBODY),  # the article is not a form page
    (r"^wagtail_localize:(edit_string_translation|edit_override)  ", NOBODY),  # PUT-only JSON endpoints
    # --- everything else in the admin: any account with admin access ---
    (r"^wagtailsnippets:index  ", NOBODY),  # every snippet has its own menu: the index sends to the dashboard
    (r"^wagtailadmin_logout  ", PUBLIC),  # signs out whoever asks
    (r"^(otwarta_machine_translate|wagtail_localize:machine_translate)  ", NOBODY),  # no MT service in tests
    (r"^wagtail_localize:stop_translation  ", NOBODY),  # the translation is not being edited
    (r"^wagtail_localize:(download_pofile|preview_translation|upload_pofile)  ", OWN),
    (r"^(wagtailadmin_\w+(:\w+)*|wagtail_bulk_action|wagtail_2fa_\w+|wagtail_localize:\w+"
     r"|wagtailforms:\w+|wagtailembeds:\w+|wagtaildocs:\w+|wagtailimages:\w+|wagtaildocs_chooser:\w+"
     r"|wagtailimages_chooser:\w+|readability:\w+|otwarta_\w+:\w+|otwarta_machine_translate|printing_admin:\w+"
     r"|directory_admin:\w+)  ", STAFF),
    (r"^admin/", STAFF),  # unnamed admin patterns (test404, the catch-all 404)
]

# Server errors Wagtail 7.4 / wagtail-2fa / wagtail-localize raise on requests their own pages never send,
# reachable only by roles allowed to use the view (so they cannot leak anything to other roles).
# An empty POST to any admin edit form with a StreamField or an inline panel fails in Wagtail's
# ``value_from_datadict`` on the missing ``<field>-count`` / management-form keys:
MALFORMED_FORM_ERRORS = frozenset({"MultiValueDictKeyError", "KeyError", "ValidationError"})
# A chooser's "create" view answers an empty POST with AttributeError (Wagtail 7.4 ChooserViewSet):
CHOOSER_CREATE = r"^(wagtailsnippetchoosers_\w+|printing_service_chooser):create  "
# Other upstream errors: (url name, method) → why. Everything else must not 5xx.
UPSTREAM_ERRORS: dict[tuple[str, str], str] = {
    ("wagtailadmin_choose_page_external_link", "POST"): "ExternalLinkChooserForm.to_python(None)",
    ("wagtailredirects:process_import", "POST"): "no import file in the session",
    ("wagtail_2fa_device_qrcode", "GET"): "no device being set up in the session",
    ("wagtail_localize:update_translations", "GET"): "see report",
    ("wagtail_localize:download_pofile", "GET"): "see report",
    ("wagtail_localize:preview_translation", "GET"): "see report",
    ("wagtail_localize:upload_pofile", "POST"): "no file posted",
    ("wagtail_localize:stop_translation", "POST"): "see report",
}

# Patterns requested by no role, with the reason.
EXEMPT: dict[str, str] = {
    "wagtailadmin_error_test": "Wagtail's deliberate 500 (/admin/failwhale/) for testing error reporting",
    "wagtailsettings:edit": "no setting model is registered (URL cannot be filled)",
    "wagtailsettings:preview_on_edit": "no setting model is registered (URL cannot be filled)",
    # Django's static() view for uploaded files: otwarta.urls mounts it only when DEBUG is on at its first
    # import, which depends on which test imports it first. Never mounted in production.
    "^media/(?P<path>.*)$": "DEBUG-only file server for uploads (django.conf.urls.static)",
}


def expected_roles(key: str) -> frozenset[str] | None:
    for expression, roles in POLICY:
        if re.search(expression, key):
            return roles
    return None


def _minimal(roles: frozenset[str]) -> str | None:
    return next((role for role in pm.ROLES if role in roles), None)


@pytest.mark.django_db
def test_permission_matrix(portal: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    fixtures = pm.build_fixtures()
    clients = pm.clients()
    patterns = pm.all_patterns()
    problems: list[str] = []
    upstream_errors: set[str] = set()
    not_found_for_all: list[str] = []
    observed: dict[str, dict[str, str]] = {}
    checked = 0
    unclassified = [p.key + "  " + p.route for p in patterns
                    if p.key not in EXEMPT and expected_roles(p.key + "  " + p.route) is None]
    assert not unclassified, "Patterns without a rule in POLICY:\n" + "\n".join(unclassified)
    for pattern in patterns:
        if pattern.key in EXEMPT:
            continue
        key = pattern.key + "  " + pattern.route
        allowed = expected_roles(key)
        assert allowed is not None
        url = pm.build_url(fixtures, pattern, pm.URL_OVERRIDES)
        if url is None:
            problems.append(f"{key}: cannot build a URL (add it to URL_OVERRIDES or EXEMPT)")
            continue
        checked += 1
        first_allowed = _minimal(allowed)
        post_taken = pm.classify(pm.request(clients[S], "POST", url)) != pm.METHOD
        row: dict[str, str] = {"url": url}
        not_let_in: list[tuple[str, dict[str, str]]] = []
        for role in pm.ROLES:
            methods = ["GET"]
            # An empty POST by every refused role (the refusal must hold) and by the least privileged role
            # allowed (no server error); the other allowed roles run the same code.
            if post_taken and (role not in allowed or role in (first_allowed, S)):
                methods.append("POST")
            outcomes = {}
            for method in methods:
                response = pm.request(clients[role], method, url)
                outcomes[method] = pm.classify(response)
                if outcomes[method] != pm.ERROR:
                    continue
                exception = pm.exception_name(response)
                upstream = (pattern.name, method) in UPSTREAM_ERRORS or (
                    method == "POST" and exception in MALFORMED_FORM_ERRORS) or (
                    method == "POST" and exception == "AttributeError" and re.search(CHOOSER_CREATE, key))
                if upstream and role in allowed:
                    upstream_errors.add(f"{pattern.key} {method} ({exception})")
                else:
                    problems.append(f"{key}: {method} {url} as {role}: server error ({exception})")
            row[role] = "/".join(outcomes.values())
            if allowed is PUBLIC:
                continue
            if role not in allowed and not set(outcomes.values()) <= pm.REFUSED:
                problems.append(f"{key}: {url} as {role}: {outcomes}, expected a refusal")
            if role == A and allowed is not PUBLIC and url.startswith("/admin/") and (
                    set(outcomes.values()) != {pm.LOGIN}):
                problems.append(f"{key}: {url} anonymously: {outcomes}, expected the login page")
            let_in = pm.OK in outcomes.values() or pm.ERROR in outcomes.values() or (
                outcomes == {"GET": pm.METHOD})  # a POST-only view: its POST was tried by another allowed role
            if role in allowed and not let_in:
                not_let_in.append((role, outcomes))
        # The allowed roles are let in; when every one of them gets 404 (or 404 and 405), the URL names
        # nothing this view serves with the test's objects: counted, and refused roles were still refused.
        if not_let_in and all(set(o.values()) <= {pm.MISSING, pm.METHOD} for _r, o in not_let_in) and (
                len(not_let_in) == len(allowed)):
            not_found_for_all.append(pattern.key)
        else:
            problems.extend(f"{key}: {url} as {role}: {o}, expected to be let in" for role, o in not_let_in)
        observed[key] = row
        if pattern.name in pm.SESSION_ENDING:
            clients = pm.clients()
    dump = os.environ.get("PERMISSION_MATRIX_DUMP")
    if dump:
        with open(dump, "w") as out:
            json.dump({"results": observed, "problems": problems, "upstream_errors": sorted(upstream_errors),
                       "not_found_for_all": not_found_for_all},
                      out, indent=1, ensure_ascii=False)
    print(f"\npermission matrix: {checked} URL patterns x {len(pm.ROLES)} roles checked "
          f"({len(EXEMPT)} exempt, {len(patterns)} patterns in the resolver); upstream 500s to allowed roles "
          f"on malformed requests: {len(upstream_errors)}; 404 for every allowed role: {len(not_found_for_all)}")
    assert not problems, "\n".join(problems)
    assert checked > 400  # the walk really covered the admin


def test_policy_separates_roles() -> None:
    """The policy itself keeps editors out of account, group, site, setting and audit management and gives
    no admin view to anonymous visitors or accounts without a group."""
    for key in ("wagtailusers_users:index  admin/users/", "wagtailusers_groups:edit  admin/groups/edit/<int:pk>/",
                "wagtailsites:index  admin/sites/", "wagtailsettings:edit  admin/settings/x/y/",
                "otwarta_audit:index  admin/audit/"):
        roles = expected_roles(key)
        assert roles is not None and not roles & {A, N, F, E, M}, key
    for expression, roles in POLICY:
        if roles is not PUBLIC:
            assert not roles & {A, N}, expression
