"""A page-cache MISS replaces the rendered response with the stored one; that must not finish the request
early (``request_finished`` closes database connections: found on PostgreSQL, where the rest of the
request and the test's transaction then failed with "the connection is closed")."""

from __future__ import annotations

from typing import Any

from django.core.signals import request_finished
from django.test import Client

ARTICLE = "/pl/instytucje/urzad/karta-pobytu/"


def test_a_miss_sends_request_finished_once_at_the_end(portal: Any) -> None:
    sent: list[object] = []

    def receiver(sender: object, **kwargs: Any) -> None:
        sent.append(sender)

    request_finished.connect(receiver)
    try:
        response = Client().get(ARTICLE)  # the test client finishes the request (closes the response)
        assert response["X-Cache"] == "MISS"
        assert len(sent) == 1  # once, at the end: not also when the rendered response was replaced
    finally:
        request_finished.disconnect(receiver)
