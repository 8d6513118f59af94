"""The outside checkers the harnesses run: the Nu HTML checker and axe-core (both from npm,
pinned in package-lock.json and installed by `make test`)."""

import hashlib
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.servers import ROOT

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def validate_html(documents: dict[str, str]) -> dict[str, list[str]]:
    """Validate many documents in one run of the checker; returns the errors of each name."""
    assert VNU_JAR.exists(), "run `make test` (npm ci) to install the Nu HTML checker"
    names = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, html in documents.items():
            digest = hashlib.sha1(name.encode()).hexdigest()[:16]
            path = Path(folder) / f"{digest}.html"
            path.write_text(html)
            names[path.name] = name
        result = subprocess.run(
            [shutil.which("java") or "java", "-jar", str(VNU_JAR), "--errors-only"]
            + ["--format", "json", *sorted(str(Path(folder) / n) for n in names)],
            capture_output=True,
            text=True,
            timeout=300,
        )
    errors: dict[str, list[str]] = {}
    for message in json.loads(result.stderr or '{"messages": []}')["messages"]:
        url = message.get("url", "?")
        name = names.get(url.rsplit("/", 1)[-1], url)
        where = f"line {message.get('lastLine', '?')}"
        errors.setdefault(name, []).append(f"{where}: {message['message']}")
    return errors


def axe_violations(page, *, impacts=("serious", "critical")) -> list[str]:
    """Run axe-core in a Playwright page; the violations at the given impact levels. The browser
    fixtures load axe into every page as an init script, which the page's CSP does not block."""
    assert page.evaluate("typeof window.axe !== 'undefined'"), "axe-core is not in the page"
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']}: {v['id']} — {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['html']})"
        for v in results["violations"]
        if v["impact"] in impacts
    ]
