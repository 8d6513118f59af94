"""Every browser test is audited, without anyone having to ask for it.

Every HTML document the live server sends during the test is recorded on the server
(tests/browser/recorder.py): in every browser context, and whether a link, a form or a redirect
led to it. The `page` fixture's page may log no error (a Content-Security-Policy violation, a
failed script). When the test ends, every recorded document is replayed in a fresh tab with its
own headers, and axe-core must find no serious or critical violation in it (nor may the tab log
an error, such as a CSP violation); the Nu checker (one long-lived server per test process)
must find no error.
"""

from dataclasses import dataclass, field

import pytest

from tests.browser.recorder import Document, recording
from tests.harness.checkers import AXE_JS, axe_violations, start_html_checker, validate_html

__all__ = ["Audit", "Document"]


@dataclass
class Audit:
    documents: list[Document] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def listen(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def replay(self, context) -> list[str]:
        """axe on every recorded document, each in a fresh tab with its original headers."""
        return [problem for d in self.documents for problem in self.replay_one(context, d)]

    @staticmethod
    def replay_one(context, document: Document) -> list[str]:
        tab = context.new_page()
        problems: list[str] = []

        def console(message) -> None:
            # An error page's own status is logged as a console error: it is not a problem.
            own_status = message.location.get("url") == document.url and document.status >= 400
            if message.type == "error" and not own_status:
                problems.append(message.text)

        tab.on("console", console)
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
def audit(_audit_every_page) -> Audit:
    return _audit_every_page


@pytest.fixture(autouse=True)
def _audit_every_page(request):
    if request.node.get_closest_marker("browser") is None:
        yield None
        return
    start_html_checker()  # the JVM starts while the test runs; the audit waits for it
    audit = Audit()
    with recording() as documents:
        audit.documents = documents
        if "page" in request.fixturenames:
            audit.listen(request.getfixturevalue("page"))
        yield audit
    assert audit.documents, "the audit saw no page"
    context = request.getfixturevalue("browser").new_context()
    context.add_init_script(path=str(AXE_JS))
    try:
        problems = audit.problems + audit.replay(context)
    finally:
        context.close()
    html = {f"{d.method} {d.url} ({i})": d.body for i, d in enumerate(audit.documents)}
    problems += [f"{name}: {e}" for name, errors in validate_html(html).items() for e in errors]
    assert not problems, "\n".join(problems)
