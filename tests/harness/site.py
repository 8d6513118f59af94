"""Find the site's pages by themselves: every URL pattern of the project, and every link a page
shows to each role. The harnesses check whatever these find, so a new page is covered the
moment it exists."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.harness.world import ANONYMOUS, World

SKIPPED_PREFIXES = ("/static/", "/media/")


@dataclass(frozen=True)
class Route:
    key: str  # the namespaced URL name, or the route itself for an unnamed pattern
    route: str


def routes() -> list[Route]:
    def walk(patterns, prefix: str, namespace: str) -> Iterator[Route]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern):
                key = namespace + pattern.name if pattern.name else route
                yield Route(key, route)

    return list(walk(get_resolver().url_patterns, "/", ""))


@dataclass
class Page:
    role: str
    key: str
    url: str
    status: int
    headers: dict[str, str]
    set_cookies: list[str]
    body: str
    htmx: bool = False

    @property
    def is_html(self) -> bool:
        return self.headers.get("Content-Type", "").startswith("text/html")


# RFC 5545 3.1: a long line is folded by a CRLF followed by one space or tab, anywhere, even
# inside a word (or a UTF-8 sequence); 3.3.11: in TEXT values, backslash escapes , ; \ and
# newlines.
_FOLD = re.compile(rb"\r\n[ \t]")
_TEXT_ESCAPE = re.compile(r"\\([,;\\nN])")


def calendar_text(raw: bytes) -> str:
    """An iCalendar body as a reader sees it: unfolded (on the bytes, before decoding) and its
    text unescaped, so that a private string split over a fold, or holding a comma, is still
    found by the canary's `in`."""
    unfolded = _FOLD.sub(b"", raw).decode(errors="replace")
    return _TEXT_ESCAPE.sub(lambda m: "\n" if m[1] in "nN" else m[1], unfolded)


def client_for(world: World, role: str) -> Client:
    client = Client()
    if role != ANONYMOUS:
        client.force_login(world.people[role])
    return client


def fetch(client: Client, role: str, key: str, url: str, *, htmx: bool = False) -> Page:
    extra = {"headers": {"HX-Request": "true"}} if htmx else {}
    response = client.get(url, secure=True, **extra)
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    if response.headers.get("Content-Type", "").startswith("text/calendar"):
        text = calendar_text(body)
    else:
        text = body.decode(errors="replace")
    return Page(
        role=role,
        key=key,
        url=url,
        status=response.status_code,
        headers=dict(response.headers),
        set_cookies=[morsel.OutputString() for morsel in response.cookies.values()],
        body=text,  # what the checks read: a calendar's unfolded
        htmx=htmx,
    )


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links(page: Page) -> list[str]:
    """Same-site paths a page links to (fragments dropped)."""
    parser = _Links()
    parser.feed(page.body)
    found = []
    for href in parser.hrefs:
        target = urlsplit(urljoin("https://testserver" + page.url, href))
        if target.scheme in ("http", "https") and target.netloc == "testserver":
            path = target.path + (f"?{target.query}" if target.query else "")
            if not path.startswith(SKIPPED_PREFIXES):
                found.append(path)
    return found


def crawl(client: Client, role: str, seeds: list[Page], *, limit: int = 400) -> list[Page]:
    """The pages a role reaches from the given ones by following links, and the htmx fragment
    of each page; the seeds themselves are not fetched again. The console's own pages are
    covered by its URL patterns, so links are not followed into it."""
    seen = {page.url for page in seeds}
    found: list[Page] = []
    queue = list(seeds)
    while queue and len(seen) < limit:
        page = queue.pop(0)
        if page.status != 200 or not page.is_html or page.url.startswith("/admin/"):
            continue
        found.append(fetch(client, role, page.key, page.url, htmx=True))
        for link in links(page):
            if link not in seen and not link.startswith("/admin/"):
                seen.add(link)
                linked = fetch(client, role, "link", link)
                found.append(linked)
                queue.append(linked)
    return found
