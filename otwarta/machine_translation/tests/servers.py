"""Local HTTP servers that speak the LibreTranslate and DeepL APIs, for the tests.

They parse the request the real client sends (JSON or form body, auth header or api_key), answer with the
JSON the real services return, and can be told to fail (``server.fail_with = 456``) or to be slow
(``server.delay = 2``). The "translation" is deterministic: text is upper-cased, except inside elements
marked ``translate="no"`` when the request is HTML — which is what lets the tests see the glossary work.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

NO_TRANSLATE_RE = re.compile(r"""(<(\w+)\b[^>]*\btranslate\s*=\s*["']?no["']?[^>]*>.*?</\2\s*>)""", re.DOTALL)
TAG_RE = re.compile(r"(<[^>]*>)")


def fake_translate(text: str, html: bool) -> str:
    if not html:
        return text.upper()
    out = []
    for i, piece in enumerate(NO_TRANSLATE_RE.split(text)):
        # split() with two groups yields: text, whole element, tag name, text, ...
        kind = i % 3
        if kind == 1:
            out.append(piece)
        elif kind == 0:
            out.append("".join(p if j % 2 else p.upper() for j, p in enumerate(TAG_RE.split(piece))))
    return "".join(out)


class APIServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler], api_key: str) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.api_key = api_key
        self.requests: list[dict[str, Any]] = []
        self.fail_with: int | None = None
        self.fail_on_text: str | None = None  # answer 500 to a translation request containing this text
        self.delay = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def paths(self) -> list[str]:
        return [r["path"] for r in self.requests]


class BaseHandler(BaseHTTPRequestHandler):
    server: APIServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence the test output
        pass

    def send_json(self, status: int, payload: Any) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length)

    def record(self, path: str, body: Any) -> None:
        self.server.requests.append({"path": path, "headers": dict(self.headers), "body": body})
        if self.server.delay:
            time.sleep(self.server.delay)


class LibreTranslateHandler(BaseHandler):
    LANGUAGES = [
        {"code": "en", "name": "English", "targets": ["en", "pl", "uk", "ka", "pt-BR"]},
        {"code": "pl", "name": "Polish", "targets": ["en", "pl", "uk", "ka", "pt-BR"]},
        {"code": "uk", "name": "Ukrainian", "targets": ["en", "pl", "uk"]},
        {"code": "ka", "name": "Georgian", "targets": ["en", "pl"]},
        {"code": "pt-BR", "name": "Portuguese (Brazil)", "targets": ["en", "pl"]},
    ]

    def do_GET(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path
        self.record(path, None)
        if path == "/languages":
            return self.send_json(200, self.LANGUAGES)
        return self.send_json(404, {"error": "Not found"})

    def do_POST(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path
        if self.headers.get("Content-Type", "").startswith("application/json"):
            body = json.loads(self.read_body() or b"{}")
        else:
            body = {k: v[0] for k, v in parse_qs(self.read_body().decode()).items()}
        self.record(path, body)
        if self.server.fail_with:
            return self.send_json(self.server.fail_with, {"error": "Simulated failure"})
        if self.server.fail_on_text and self.server.fail_on_text in json.dumps(body, ensure_ascii=False):
            return self.send_json(500, {"error": "Simulated failure"})
        if path != "/translate":
            return self.send_json(404, {"error": "Not found"})
        if self.server.api_key and body.get("api_key") != self.server.api_key:
            return self.send_json(403, {"error": "Invalid API key"})
        codes = {lang["code"]: lang["targets"] for lang in self.LANGUAGES}
        source, target = body.get("source"), body.get("target")
        if source not in codes:
            return self.send_json(400, {"error": f"{source} is not supported"})
        if target not in codes[source]:
            return self.send_json(400, {"error": f"{target} is not supported"})
        if body.get("format", "text") not in ("text", "html"):
            return self.send_json(400, {"error": "Invalid format"})
        html = body.get("format") == "html"
        q = body.get("q")
        if isinstance(q, list):
            return self.send_json(200, {"translatedText": [fake_translate(t, html) for t in q]})
        return self.send_json(200, {"translatedText": fake_translate(str(q), html)})


class DeepLHandler(BaseHandler):
    SOURCES = ["EN", "PL", "UK", "RU", "PT"]
    TARGETS = ["EN-GB", "EN-US", "PL", "UK", "RU", "PT-PT", "PT-BR"]

    def authorised(self) -> bool:
        if self.headers.get("Authorization") != f"DeepL-Auth-Key {self.server.api_key}":
            self.send_json(403, {"message": "Forbidden"})
            return False
        return True

    def do_GET(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        self.record(parts.path, query)
        if not self.authorised():
            return
        if parts.path == "/v2/languages":
            kind = query.get("type", ["source"])[0]
            codes = self.TARGETS if kind == "target" else self.SOURCES
            return self.send_json(200, [{"language": code, "name": code} for code in codes])
        return self.send_json(404, {"message": "Not found"})

    def do_POST(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path
        content_type = self.headers.get("Content-Type", "")
        raw = self.read_body()
        if content_type.startswith("application/json"):
            body = json.loads(raw)
        else:
            body = parse_qs(raw.decode(), keep_blank_values=True)
            body = {k: (v if k == "text" else v[0]) for k, v in body.items()}
        self.record(path, body)
        if not self.authorised():
            return
        if self.server.fail_with:
            return self.send_json(self.server.fail_with, {"message": "Simulated failure"})
        if path != "/v2/translate":
            return self.send_json(404, {"message": "Not found"})
        texts = body.get("text")
        if not isinstance(texts, list) or not texts or len(texts) > 50:
            return self.send_json(400, {"message": "Bad request. Reason: Parameter 'text' not specified."})
        source, target = body.get("source_lang"), body.get("target_lang")
        if source is not None and source not in self.SOURCES:
            return self.send_json(400, {"message": f"Value for 'source_lang' not supported: {source}"})
        if target not in self.TARGETS:
            return self.send_json(400, {"message": f"Value for 'target_lang' not supported: {target}"})
        html = body.get("tag_handling") == "html"
        return self.send_json(200, {"translations": [
            {"detected_source_language": source or "PL", "text": fake_translate(t, html)} for t in texts
        ]})


@contextmanager
def running(handler: type[BaseHTTPRequestHandler], api_key: str) -> Iterator[APIServer]:
    server = APIServer(handler, api_key)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
