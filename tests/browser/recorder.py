"""Server-side capture of every HTML page the live server sends while a browser test runs.

Capturing on the server, not in the browser, sees every document whatever reached it: pages in
any browser context (one per person in a journey) and pages a redirect leads to (the home page
after logging in, every page showing a flash message after a form), which Playwright's request
routing never sees. Installed as the outermost middleware for the whole test run (see
tests/conftest.py), it records only while a browser test runs.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass


@dataclass
class Document:
    url: str
    method: str
    status: int
    headers: dict[str, str]
    body: str


_lock = threading.Lock()
_documents: list[Document] | None = None


@contextlib.contextmanager
def recording():
    global _documents
    documents: list[Document] = []
    with _lock:
        _documents = documents
    try:
        yield documents
    finally:
        with _lock:
            _documents = None


class RecordDocuments:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        documents = _documents
        if documents is not None and _is_document(request, response):
            documents.append(
                Document(
                    request.build_absolute_uri(),
                    request.method,
                    response.status_code,
                    dict(response.items()),
                    response.content.decode(response.charset or "utf-8"),
                )
            )
        return response


def _is_document(request, response) -> bool:
    return (
        not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not 300 <= response.status_code < 400
        and "HX-Request" not in request.headers  # htmx fragments are checked by the crawl
    )
