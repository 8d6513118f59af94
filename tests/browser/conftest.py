"""Every browser test is audited, without anyone having to ask for it.

Each HTML document the browser receives is captured on its way in (GET or POST, as it was),
and the page may log no error (a Content-Security-Policy violation, a failed script). When the
test ends, every captured document is replayed in a fresh tab with its own headers, and
axe-core must find no serious or critical violation in it; the Nu checker must find no error.
"""

from dataclasses import dataclass, field

import pytest

from tests.harness.checkers import AXE_JS, axe_violations, validate_html


@dataclass
class Document:
    url: str
    method: str
    status: int
    headers: dict[str, str]
    body: str


@dataclass
class Audit:
    documents: list[Document] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def capture(self, route) -> None:
        request = route.request
        if request.resource_type != "document":
            route.fallback()
            return
        response = route.fetch(max_redirects=0)
        body = response.text()
        is_html = response.headers.get("content-type", "").startswith("text/html")
        if is_html and not 300 <= response.status < 400:
            self.documents.append(
                Document(request.url, request.method, response.status, response.headers, body)
            )
        route.fulfill(response=response, body=body)

    def listen(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def replay(self, context) -> list[str]:
        """axe on every captured document, each in a fresh tab with its original headers."""
        return [problem for d in self.documents for problem in self.replay_one(context, d)]

    @staticmethod
    def replay_one(context, document: Document) -> list[str]:
        tab = context.new_page()
        problems: list[str] = []
        tab.on("console", lambda m: m.type == "error" and problems.append(m.text))
        tab.route(
            document.url,
            lambda route: route.fulfill(
                status=document.status, headers=document.headers, body=document.body
            ),
        )
        tab.goto(document.url)
        problems += axe_violations(tab)
        tab.close()
        name = f"{document.method} {document.url} ({document.status})"
        return [f"{name}: {problem}" for problem in problems]


@pytest.fixture
def audit(page) -> Audit:
    return page.momento_audit


@pytest.fixture(autouse=True)
def _audit_every_page(request):
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    audit = Audit()
    page.momento_audit = audit
    page.context.add_init_script(path=str(AXE_JS))
    page.context.route("**/*", audit.capture)
    audit.listen(page)
    yield audit
    page.context.unroute("**/*")
    assert audit.documents, "the audit saw no page"
    problems = audit.problems + audit.replay(page.context)
    html = {f"{d.method} {d.url} ({i})": d.body for i, d in enumerate(audit.documents)}
    problems += [f"{name}: {e}" for name, errors in validate_html(html).items() for e in errors]
    assert not problems, "\n".join(problems)
