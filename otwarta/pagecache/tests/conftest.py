from __future__ import annotations

import gzip
from typing import Any

import pytest
from django.test import Client

ARTICLE = "/pl/instytucje/urzad/karta-pobytu/"
ARTICLE_EN = "/en/instytucje/urzad/karta-pobytu/"
OTHER = "/pl/instytucje/fundacja/pesel/"


@pytest.fixture
def anonymous() -> Client:
    return Client(raise_request_exception=False)


def body_of(response: Any) -> bytes:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return gzip.decompress(content) if response.get("Content-Encoding") == "gzip" else content
