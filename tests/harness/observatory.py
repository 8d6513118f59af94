"""The Mozilla (MDN) HTTP Observatory score of ONE response, re-implemented offline.

Followed: mdn/mdn-http-observatory (algorithm version 4): `src/scanner/index.js` (start at 100;
`uncurvedScore` sums only the negative modifiers, and the positive ones count only when it is at
least MINIMUM_SCORE_FOR_EXTRA_CREDIT = 90), `src/grader/grader.js` (score floored at 0, rounded
down to a multiple of 5, capped at 100 for the grade), `src/grader/charts.js` (GRADE_CHART and
SCORE_TABLE), `src/analyzer/cspParser.js`, `src/analyzer/utils.js`, `src/analyzer/tests/*.js`
(one function below each), `src/retriever/*.js` and `src/config.js`. The classic
mozilla/http-observatory (`httpobs/scanner/grader/grade.py`) has the same chart and threshold; its
table lacks CORP and the report-only and duplicate-directive CSP results, scores
`no-referrer-when-downgrade` 0 (here unsafe, -5) and adds X-XSS-Protection and contribute.json.

What one response cannot show, and what is done instead:
- HSTS preload list: not consulted; no host counts as preloaded, so `hsts-preloaded` (+5) and
  `redirection-all-redirects-preloaded` never occur (the `preload` directive earns nothing in
  the source either; only membership of the list does).
- Redirection: the source follows a separate plain-http request. With `redirect_chain=None` (or
  empty) there is no http response, which the source scores `redirection-not-needed-no-http` (0).
- CORS: the source sends an OPTIONS request with `Origin: https://http-observatory.security.
  mozilla.org`; the given response's Access-Control-Allow-* headers stand in for its answer.
- `html` given means an HTML body (the source checks for a text/html or application/xhtml+xml
  Content-Type). The certificate is assumed valid. `status` is not scored (the source refuses
  to scan statuses other than 2xx, 3xx, 401 and 403; here every response is graded).
- Repeated headers are joined with ", " as Node does, so a repeated HSTS header is invalid and
  repeated CSP headers parse as one policy; `<meta>` CSPs are separate policies.
- Cookies follow tough-cookie's jar: no `=` or no name: dropped; a Domain the host does not match
  or a broken `__Secure-`/`__Host-` prefix: dropped; the same name, domain and path: the last one
  wins; expired (deleting) cookies still count. Session cookies: name contains "login" or "sess";
  anti-CSRF: name contains "csrf". The registrable domain (tldts in the source) is approximated
  by the last two host labels, and sources are sorted by code point, not `Intl.Collator("en")`.
"""

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

GRADE_CHART = {100: "A+", 95: "A", 90: "A", 85: "A-", 80: "B+", 75: "B", 70: "B", 65: "B-"}
GRADE_CHART |= {60: "C+", 55: "C", 50: "C", 45: "C-", 40: "D+", 35: "D", 30: "D", 25: "D-"}
GRADE_CHART |= {20: "F", 15: "F", 10: "F", 5: "F", 0: "F"}
MINIMUM_SCORE_FOR_EXTRA_CREDIT = 90
CORS_ORIGIN = "https://http-observatory.security.mozilla.org"

# fmt: off
SCORE_TABLE = {  # charts.js SCORE_TABLE: result id -> score modifier
    "csp-implemented-with-no-unsafe-default-src-none": 10, "csp-implemented-with-no-unsafe": 5,
    "csp-implemented-with-unsafe-inline-in-style-src-only": 0,
    "csp-implemented-but-duplicate-directives": 0,
    "csp-implemented-with-insecure-scheme-in-passive-content-only": -10,
    "csp-implemented-with-unsafe-eval": -10, "csp-implemented-with-unsafe-inline": -20,
    "csp-implemented-with-insecure-scheme": -20, "csp-header-invalid": -25,
    "csp-not-implemented": -25, "csp-not-implemented-but-reporting-enabled": -25,
    "cookies-secure-with-httponly-sessions-and-samesite": 5,
    "cookies-secure-with-httponly-sessions": 0, "cookies-not-found": 0,
    "cookies-without-secure-flag-but-protected-by-hsts": -5,
    "cookies-session-without-secure-flag-but-protected-by-hsts": -10,
    "cookies-without-secure-flag": -20, "cookies-samesite-flag-invalid": -20,
    "cookies-anticsrf-without-samesite-flag": -20, "cookies-session-without-httponly-flag": -30,
    "cookies-session-without-secure-flag": -40,
    "cross-origin-resource-sharing-not-implemented": 0,
    "cross-origin-resource-sharing-implemented-with-public-access": 0,
    "cross-origin-resource-sharing-implemented-with-restricted-access": 0,
    "cross-origin-resource-sharing-implemented-with-universal-access": -50,
    "redirection-to-https": 0, "redirection-not-needed-no-http": 0,
    "redirection-off-host-from-http": -5, "redirection-not-to-https-on-initial-redirection": -10,
    "redirection-not-to-https": -20, "redirection-missing": -20,
    "referrer-policy-private": 5, "referrer-policy-not-implemented": 0,
    "referrer-policy-unsafe": -5, "referrer-policy-header-invalid": -5,
    "hsts-implemented-max-age-at-least-six-months": 0,
    "hsts-implemented-max-age-less-than-six-months": -10, "hsts-not-implemented": -20,
    "hsts-header-invalid": -20, "hsts-not-implemented-no-https": -20,
    "sri-implemented-and-all-scripts-loaded-securely": 5,
    "sri-implemented-and-external-scripts-loaded-securely": 5,
    "sri-not-implemented-response-not-html": 0, "sri-not-implemented-but-no-scripts-loaded": 0,
    "sri-not-implemented-but-all-scripts-loaded-from-secure-origin": 0,
    "sri-not-implemented-but-external-scripts-loaded-securely": -5,
    "sri-implemented-but-external-scripts-not-loaded-securely": -20,
    "sri-not-implemented-and-external-scripts-not-loaded-securely": -50,
    "x-content-type-options-nosniff": 0, "x-content-type-options-not-implemented": -5,
    "x-content-type-options-header-invalid": -5,
    "x-frame-options-implemented-via-csp": 5, "x-frame-options-sameorigin-or-deny": 0,
    "x-frame-options-allow-from-origin": 0, "x-frame-options-not-implemented": -20,
    "x-frame-options-header-invalid": -20,
    "corp-implemented-with-same-origin": 10, "corp-implemented-with-same-site": 10,
    "corp-implemented-with-cross-origin": 0, "corp-not-implemented": 0, "corp-header-invalid": -5,
}
# fmt: on

BROAD = {"ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*"}
BROAD_OR_INLINE = BROAD | {"'unsafe-inline'", "data:"}
CSP_PASSING = {  # csp.js: only a passing policy is downgraded for repeated report directives
    f"csp-implemented-with-{result}"
    for result in ("no-unsafe", "no-unsafe-default-src-none", "unsafe-inline-in-style-src-only")
} | {"csp-implemented-with-insecure-scheme-in-passive-content-only"}
NONCES_HASHES = ("'sha256-", "'sha384-", "'sha512-", "'nonce-")
COOKIE_ORDER = [  # cookies.js `goodness`, best first: a cookie only moves the result down it
    "cookies-without-secure-flag-but-protected-by-hsts",
    "cookies-without-secure-flag",
    "cookies-session-without-secure-flag-but-protected-by-hsts",
    "cookies-samesite-flag-invalid",
    "cookies-anticsrf-without-samesite-flag",
    "cookies-session-without-httponly-flag",
    "cookies-session-without-secure-flag",
]
SRI_ORDER = [  # subresource-integrity.js `goodness`
    "sri-implemented-and-all-scripts-loaded-securely",
    "sri-implemented-and-external-scripts-loaded-securely",
    "sri-implemented-but-external-scripts-not-loaded-securely",
    "sri-not-implemented-but-external-scripts-loaded-securely",
    "sri-not-implemented-and-external-scripts-not-loaded-securely",
]
REFERRER_GOOD = ("no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin")
REFERRER_BAD = ("origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade")


@dataclass
class Result:
    score: int
    grade: str  # "A+", "A", ... "F"
    tests: dict[str, str]  # test name -> result id
    modifiers: dict[str, int]  # test name -> score modifier


@dataclass
class _Source:
    value: str
    policy: int
    keep: bool


@dataclass
class _Cookie:
    name: str
    secure: bool = False
    httponly: bool = False
    samesite: str | None = None
    domain: str | None = None
    path: str | None = None


class _Tags(HTMLParser):
    """The attributes of every <script>, and the policies of the <meta> tags the retriever reads
    (retriever/utils.js: http-equiv CSPs, and the last name="referrer" as a Referrer-Policy)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict[str, str]] = []
        self.csp: list[str] = []
        self.referrer: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in reversed(attrs)}  # the first one counts
        content = found.get("content")
        if tag == "script":
            self.scripts.append(found)
        elif tag == "meta" and "http-equiv" in found and content is not None:
            if content and found["http-equiv"].strip().lower() == "content-security-policy":
                self.csp.append(content)
        elif tag == "meta" and found.get("name", "").strip().lower() == "referrer" and content:
            self.referrer = [content]


def _worse(new: str, old: str | None, order: list[str]) -> str:
    return new if old is None or order.index(new) > order.index(old) else old


def _path_part_match(a: str, b: str) -> bool:
    if not a or (a == "/" and not b):
        return True
    exact = not a.endswith("/")
    parts_a, parts_b = a.split("/"), b.split("/")
    if len(parts_a) > len(parts_b) or (exact and len(parts_a) != len(parts_b)):
        return False
    if not exact:
        parts_a.pop()
    return all(unquote(x) == unquote(y) for x, y in zip(parts_a, parts_b, strict=False))


def parse_csp(policies: list[str]) -> tuple[dict[str, set[str]], set[str]]:
    """cspParser.js: directive -> sources over all policies (a source must be in every policy
    that sets the directive), and the report-uri/report-to directives that were repeated. Any
    other repeated directive, or a policy shorter than 6 characters, raises ValueError."""
    cleaned = [re.sub(r"[\r\n]", "", policy).strip() for policy in policies]
    if any(len(policy) < len("img-src") - 1 for policy in cleaned):
        raise ValueError("invalid policy")
    csp: dict[str, list[_Source]] = {}
    duplicates: set[str] = set()
    for index, policy in enumerate(cleaned):
        seen: set[str] = set()
        for entry in policy.split(";"):
            if not (tokens := entry.split()):
                continue
            directive = tokens[0].lower()
            if directive in seen:
                if directive not in ("report-uri", "report-to"):
                    raise ValueError(f"duplicate directive {directive}")
                duplicates.add(directive)
            seen.add(directive)
            values = tokens[1:] or (["'none'"] if directive.endswith("-src") else [])
            sources = [_Source(value.lower(), index, index == 0) for value in values]
            combined = sorted(
                sources if index == 0 else [*csp.get(directive, []), *sources],
                key=lambda source: source.value,
            )
            for prev, source in zip(combined, combined[1:], strict=False):
                if source.policy == prev.policy and source.value.startswith(prev.value):
                    source.keep = False
                if source.policy != prev.policy and _path_part_match(prev.value, source.value):
                    source.keep = True
            csp[directive] = [source for source in combined if source.keep]
            if index == 0 and len(cleaned) > 1:
                for source in csp[directive]:
                    source.keep = False
    return {d: {s.value for s in sources} or {"'none'"} for d, sources in csp.items()}, duplicates


def _csp_test(
    https: bool, headers: dict[str, str], metas: list[str]
) -> tuple[str, dict[str, set[str]] | None]:
    """csp.js: the result id, and the parsed policy (None when not implemented or invalid)."""
    header = headers.get("content-security-policy")
    http = [header] if header is not None else []
    try:
        csp, duplicates = parse_csp(http + metas)
    except ValueError:
        return "csp-header-invalid", None
    try:
        header_only = parse_csp(http)[0]
    except ValueError:
        header_only = {}
    try:
        meta_only = parse_csp(metas)[0]
        for directive in ("frame-ancestors", "report-uri", "sandbox"):
            meta_only.pop(directive, None)
    except ValueError:
        meta_only = {}
    if not header_only and not meta_only:
        if headers.get("content-security-policy-report-only"):
            return "csp-not-implemented-but-reporting-enabled", None
        return "csp-not-implemented", None

    default_src = csp.get("default-src")
    object_src = csp.get("object-src") or default_src or {"*"}
    script_src = csp.get("script-src") or default_src or {"*"}
    style_src = csp.get("style-src") or default_src or {"*"}
    for sources in (script_src, style_src):  # a nonce or hash disables 'unsafe-inline'
        if any(s.startswith(NONCES_HASHES) for s in sources):
            sources.discard("'unsafe-inline'")
    has_nonce_hash = any(s.startswith(NONCES_HASHES) for s in script_src)
    if has_nonce_hash and "'strict-dynamic'" in script_src:
        for source in list(script_src):
            if source.startswith(tuple(BROAD)) or source in ("'self'", "'unsafe-inline'"):
                script_src.discard(source)
    passive = {"img-src", "media-src"}
    active = [s for d, v in csp.items() if d not in passive | {"script-src"} for s in v]
    active += script_src
    passive_sources = [s for d in passive for s in csp.get(d) or default_src or set()]

    insecure = ("http:", "ftp:")
    checks = [  # in csp.js order: the first that applies is the result
        ("'strict-dynamic'" in script_src and not has_nonce_hash, "header-invalid"),
        (bool(script_src & BROAD_OR_INLINE or object_src & BROAD), "unsafe-inline"),
        (https and any(s.startswith(insecure) for s in active), "insecure-scheme"),
        ("'unsafe-eval'" in script_src | style_src, "unsafe-eval"),
        (
            https and any(s.startswith(insecure) for s in passive_sources),
            "insecure-scheme-in-passive-content-only",
        ),
        (bool(style_src & BROAD_OR_INLINE), "unsafe-inline-in-style-src-only"),
        (default_src == {"'none'"}, "no-unsafe-default-src-none"),
    ]
    found = next((r for applies, r in checks if applies), "no-unsafe")
    result = "csp-header-invalid" if found == "header-invalid" else f"csp-implemented-with-{found}"
    if result in CSP_PASSING and duplicates:
        result = "csp-implemented-but-duplicate-directives"
    return result, csp


def _parse_cookie(raw: str, host: str) -> _Cookie | None:
    """One Set-Cookie value as tough-cookie's jar keeps it, or None when the jar drops it."""
    pair, *attributes = raw.split(";")
    name, equals, _ = pair.partition("=")
    cookie = _Cookie(name.strip())
    if not equals or not cookie.name or cookie.name == "heroku-session-affinity":
        return None
    for attribute in attributes:
        key, _, value = (part.strip() for part in attribute.partition("="))
        key = key.lower()
        if key in ("secure", "httponly"):
            setattr(cookie, key, True)
        elif key == "samesite":
            cookie.samesite = value.lower() if value.lower() in ("strict", "lax", "none") else None
        elif key == "domain" and value.lstrip("."):
            cookie.domain = value.lstrip(".").lower()
        elif key == "path":
            cookie.path = value if value.startswith("/") else None
    if cookie.domain and host != cookie.domain and not host.endswith("." + cookie.domain):
        return None
    if cookie.name.startswith(("__Secure-", "__Host-")) and not cookie.secure:
        return None
    if cookie.name.startswith("__Host-") and (cookie.domain or cookie.path != "/"):
        return None
    return cookie


def _invalid_samesite(raw: str) -> bool:
    for part in raw.strip().split(";"):
        key, *rest = part.strip().split("=")
        value = rest[0].strip().lower() if rest else ""
        if key.strip().lower() == "samesite" and value not in ("lax", "strict", "none"):
            return True
    return False


def _cookies_test(url: str, set_cookies: list[str], hsts: bool) -> str:
    """cookies.js."""
    result = None
    if any(_invalid_samesite(raw) for raw in set_cookies):
        result = "cookies-samesite-flag-invalid"
    host, path = urlsplit(url).hostname or "", urlsplit(url).path
    default_path = (path[: path.rfind("/")] or "/") if path.startswith("/") else "/"
    jar: dict[tuple[str, str, str], _Cookie] = {}
    for raw in set_cookies:
        if cookie := _parse_cookie(raw, host):
            jar[cookie.name, cookie.domain or host, cookie.path or default_path] = cookie
    if not jar:
        return "cookies-not-found"
    for cookie in jar.values():
        name = cookie.name.lower()
        session = "login" in name or "sess" in name
        insecure = "-but-protected-by-hsts" if hsts else ""
        failures = [
            (not cookie.secure and cookie.samesite == "none", "samesite-flag-invalid"),
            (not cookie.secure, f"without-secure-flag{insecure}"),
            ("csrf" in name and not cookie.samesite, "anticsrf-without-samesite-flag"),
            (session and not cookie.secure, f"session-without-secure-flag{insecure}"),
            (session and not cookie.httponly, "session-without-httponly-flag"),
        ]
        for failed, new in failures:
            if failed:
                result = _worse(f"cookies-{new}", result, COOKIE_ORDER)
    if result:
        return result
    if all(cookie.samesite for cookie in jar.values()):
        return "cookies-secure-with-httponly-sessions-and-samesite"
    return "cookies-secure-with-httponly-sessions"


def _cors_test(headers: dict[str, str]) -> str:
    """cors.js, reading the given response as the answer to the scanner's preflight."""
    origin = headers.get("access-control-allow-origin")
    if not origin:
        return "cross-origin-resource-sharing-not-implemented"
    if origin[:256].strip().lower() == "*":
        return "cross-origin-resource-sharing-implemented-with-public-access"
    credentials = headers.get("access-control-allow-credentials", "")
    if origin == CORS_ORIGIN and credentials.strip().lower() == "true":
        return "cross-origin-resource-sharing-implemented-with-universal-access"
    return "cross-origin-resource-sharing-implemented-with-restricted-access"


def _redirection_test(chain: list[str] | None) -> str:
    """redirection.js, given the URLs of the http session from the first request on."""
    if not chain:
        return "redirection-not-needed-no-http"
    route = [urlsplit(url) for url in chain]
    if len(route) == 1:
        return "redirection-missing"
    if route[-1].scheme != "https":
        return "redirection-not-to-https"
    if route[1].scheme == "http":
        return "redirection-not-to-https-on-initial-redirection"
    if route[0].scheme == "http" and route[0].hostname != route[1].hostname:
        return "redirection-off-host-from-http"
    return "redirection-to-https"


def _referrer_test(header: str | None, metas: list[str]) -> str:
    """referrer-policy.js: the last recognised value of the header and the meta tag wins."""
    if header is None and not metas:
        return "referrer-policy-not-implemented"
    values = ", ".join(([header] if header is not None else []) + metas).split(",")
    valid = REFERRER_GOOD + REFERRER_BAD
    policy = next((v for v in (x.strip().lower() for x in reversed(values)) if v in valid), "")
    if policy in REFERRER_GOOD:
        return "referrer-policy-private"
    if policy in REFERRER_BAD:
        return "referrer-policy-unsafe"
    return "referrer-policy-header-invalid"


def _hsts_test(https: bool, header: str | None) -> str:
    """strict-transport-security.js (15552000 s stands for six months there too)."""
    if not https:
        return "hsts-not-implemented-no-https"
    if header is None:
        return "hsts-not-implemented"
    max_age: float | None = None
    for parameter in (p.strip().lower() for p in header[:1024].split(";")):
        if parameter.startswith("max-age="):  # JS parseInt: a value without digits gives NaN,
            digits = re.match(r"\s*[+-]?\d+", parameter[8:128])  # which is not < six months
            max_age = int(digits.group()) if digits else math.nan
    if "," in header[:1024] or max_age is None:
        return "hsts-header-invalid"
    if max_age < 15552000:
        return "hsts-implemented-max-age-less-than-six-months"
    return "hsts-implemented-max-age-at-least-six-months"


def _registrable_domain(host: str | None) -> str | None:
    labels = (host or "").split(".")
    return ".".join(labels[-2:]) if len(labels) >= 2 else None


def _sri_test(url: str, scripts: list[dict[str, str]] | None) -> str:
    """subresource-integrity.js (relative `src` values are not resolved there either)."""
    if scripts is None:
        return "sri-not-implemented-response-not-html"
    if not scripts:
        return "sri-not-implemented-but-no-scripts-loaded"
    page = urlsplit(url)
    result, foreign = None, False
    for script in scripts:
        if not (src := script.get("src", "").strip()):
            continue
        integrity = script.get("integrity")
        protocol_relative = re.match(r"//[^/]", src) is not None
        full = re.match(r"https?://", src, re.IGNORECASE) is not None
        same_site = _registrable_domain(urlsplit(src).hostname) == _registrable_domain(
            page.hostname
        )
        secure_origin = not protocol_relative and (not full or same_site)
        relative = not protocol_relative and not full
        secure_scheme = (full and urlsplit(src).scheme == "https") or (
            relative and page.scheme == "https"
        )
        if secure_origin:
            if integrity and secure_scheme and not result:
                result = "sri-implemented-and-all-scripts-loaded-securely"
            continue
        foreign = True
        if integrity and not secure_scheme:
            result = _worse(SRI_ORDER[2], result, SRI_ORDER)
        elif not integrity:
            result = _worse(SRI_ORDER[3] if secure_scheme else SRI_ORDER[4], result, SRI_ORDER)
    if result:
        return result
    if foreign:
        return "sri-implemented-and-external-scripts-loaded-securely"
    return "sri-not-implemented-but-all-scripts-loaded-from-secure-origin"


def _xfo_test(header: str | None, csp: dict[str, set[str]] | None) -> str:
    """x-frame-options.js: any frame-ancestors in the parsed CSP overrides the header."""
    if csp and "frame-ancestors" in csp:
        return "x-frame-options-implemented-via-csp"
    if not header:
        return "x-frame-options-not-implemented"
    value = header[:1024].strip().lower()
    if value in ("deny", "sameorigin"):
        return "x-frame-options-sameorigin-or-deny"
    if value.startswith("allow-from"):
        return "x-frame-options-allow-from-origin"
    return "x-frame-options-header-invalid"


def _xcto_test(header: str | None) -> str:
    if not header:
        return "x-content-type-options-not-implemented"
    if header[:256].strip().lower() == "nosniff":
        return "x-content-type-options-nosniff"
    return "x-content-type-options-header-invalid"


def _corp_test(header: str | None) -> str:
    if not header:
        return "corp-not-implemented"
    value = header[:256].strip().lower()
    if value in ("same-site", "same-origin", "cross-origin"):
        return f"corp-implemented-with-{value}"
    return "corp-header-invalid"


def score(
    *,
    url: str,
    status: int,
    headers: Mapping[str, str] | list[tuple[str, str]],
    set_cookies: list[str],
    html: str | None,
    redirect_chain: list[str] | None = None,
) -> Result:
    """The Observatory's score, grade and per-test results for one response (see module doc)."""
    folded: dict[str, str] = {}
    for name, value in headers.items() if isinstance(headers, Mapping) else headers:
        key = name.lower()
        folded[key] = f"{folded[key]}, {value}" if key in folded else value
    tags = _Tags(html) if html is not None else None
    https = urlsplit(url).scheme == "https"
    csp_result, csp = _csp_test(https, folded, tags.csp if tags else [])
    hsts = _hsts_test(https, folded.get("strict-transport-security"))
    hsts_passes = hsts == "hsts-implemented-max-age-at-least-six-months"
    tests = {
        "content-security-policy": csp_result,
        "cookies": _cookies_test(url, set_cookies, hsts_passes),
        "cross-origin-resource-sharing": _cors_test(folded),
        "redirection": _redirection_test(redirect_chain),
        "referrer-policy": _referrer_test(
            folded.get("referrer-policy"), tags.referrer if tags else []
        ),
        "strict-transport-security": hsts,
        "subresource-integrity": _sri_test(url, tags.scripts if tags else None),
        "x-content-type-options": _xcto_test(folded.get("x-content-type-options")),
        "x-frame-options": _xfo_test(folded.get("x-frame-options"), csp),
        "cross-origin-resource-policy": _corp_test(folded.get("cross-origin-resource-policy")),
    }
    modifiers = {name: SCORE_TABLE[result] for name, result in tests.items()}
    uncurved = 100 + sum(m for m in modifiers.values() if m < 0)
    extra_credit = uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT
    total = max(100 + sum(modifiers.values()) if extra_credit else uncurved, 0)
    return Result(total, GRADE_CHART[min(total - total % 5, 100)], tests, modifiers)
