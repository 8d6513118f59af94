"""The offline Mozilla Observatory scorer (tests/harness/observatory.py) on hand-written responses.

The strong set scores 125: 100, plus the extra credit of CSP `default-src 'none'` (+10), secure
SameSite cookies (+5), a private Referrer-Policy (+5) and frame-ancestors (+5). Extra credit only
counts while the penalties alone leave at least 90, so a penalty of more than 10 also costs it.
"""

from typing import Any

import pytest

from tests.harness import observatory

URL = "https://testserver/events/"
STRONG_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
STRONG_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": STRONG_CSP,
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains; preload",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
SESSION = "sessionid=abc123; HttpOnly; Secure; SameSite=Lax; Path=/"
CSRF = "csrftoken=xyz789; Secure; SameSite=Lax; Path=/"
STRONG_COOKIES = [SESSION, CSRF]


def page(head: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Events</title>'
        f'<script src="/static/app.js" defer></script>{head}</head><body></body></html>'
    )


def run(
    headers: dict[str, str | None] | None = None,
    cookies: list[str] | None = None,
    html: str | None = None,
    redirect_chain: list[str] | None = None,
) -> observatory.Result:
    """Score the strong set with some headers replaced (None drops one), cookies or body."""
    merged = {**STRONG_HEADERS, **(headers or {})}
    return observatory.score(
        url=URL,
        status=200,
        headers={name: value for name, value in merged.items() if value is not None},
        set_cookies=STRONG_COOKIES if cookies is None else cookies,
        html=page() if html is None else html,
        redirect_chain=redirect_chain,
    )


def test_the_strong_set_scores_a_plus() -> None:
    result = run()
    assert result.tests == {
        "content-security-policy": "csp-implemented-with-no-unsafe-default-src-none",
        "cookies": "cookies-secure-with-httponly-sessions-and-samesite",
        "cross-origin-resource-sharing": "cross-origin-resource-sharing-not-implemented",
        "redirection": "redirection-not-needed-no-http",
        "referrer-policy": "referrer-policy-private",
        "strict-transport-security": "hsts-implemented-max-age-at-least-six-months",
        "subresource-integrity": "sri-not-implemented-but-all-scripts-loaded-from-secure-origin",
        "x-content-type-options": "x-content-type-options-nosniff",
        "x-frame-options": "x-frame-options-implemented-via-csp",
        "cross-origin-resource-policy": "corp-not-implemented",
    }
    assert result.modifiers == {
        "content-security-policy": 10,
        "cookies": 5,
        "cross-origin-resource-sharing": 0,
        "redirection": 0,
        "referrer-policy": 5,
        "strict-transport-security": 0,
        "subresource-integrity": 0,
        "x-content-type-options": 0,
        "x-frame-options": 5,
        "cross-origin-resource-policy": 0,
    }
    assert (result.score, result.grade) == (125, "A+")


def csp(script_src: str = "'self'", **directives: str | None) -> dict[str, str | None]:
    """The strong CSP with script-src and other directives (named with _ for -) replaced; None
    removes a directive."""
    policy: dict[str, str | None] = dict(part.split(" ", 1) for part in STRONG_CSP.split("; "))
    policy |= {"script-src": script_src} | {k.replace("_", "-"): v for k, v in directives.items()}
    return {"Content-Security-Policy": "; ".join(f"{k} {v}" for k, v in policy.items() if v)}


EXTERNAL = '<script src="https://cdn.example.net/lib.js"></script>'


@pytest.mark.parametrize(
    ("test", "result_id", "modifier", "score", "change"),
    [
        pytest.param(
            "content-security-policy",
            "csp-not-implemented",
            -25,
            75,
            {"headers": {"Content-Security-Policy": None}},
            id="no CSP",
        ),
        pytest.param(
            "content-security-policy",
            "csp-not-implemented-but-reporting-enabled",
            -25,
            75,
            {
                "headers": {
                    "Content-Security-Policy": None,
                    "Content-Security-Policy-Report-Only": STRONG_CSP,
                }
            },
            id="CSP report-only",
        ),
        pytest.param(
            "content-security-policy",
            "csp-header-invalid",
            -25,
            75,
            {"headers": {"Content-Security-Policy": STRONG_CSP + "; script-src 'none'"}},
            id="CSP repeats a directive",
        ),
        pytest.param(
            "content-security-policy",
            "csp-header-invalid",
            -25,
            75,
            {"headers": csp("'strict-dynamic'")},
            id="strict-dynamic without a nonce",
        ),
        pytest.param(
            "content-security-policy",
            "csp-implemented-with-unsafe-inline",
            -20,
            80,
            {"headers": csp("'self' 'unsafe-inline'")},
            id="unsafe-inline in script-src",
        ),
        pytest.param(
            "content-security-policy",
            "csp-implemented-with-unsafe-inline",
            -20,
            80,
            {"headers": csp("'self' data:")},
            id="data: in script-src",
        ),
        pytest.param(
            "content-security-policy",
            "csp-implemented-with-unsafe-inline",
            -20,
            80,
            {"headers": csp(object_src="https:")},
            id="broad object-src",
        ),
        pytest.param(
            "content-security-policy",
            "csp-implemented-with-insecure-scheme",
            -20,
            80,
            {"headers": csp("'self' http://cdn.example.net")},
            id="http: script source",
        ),
        pytest.param(
            "content-security-policy",
            "csp-implemented-with-unsafe-eval",
            -10,
            105,
            {"headers": csp("'self' 'unsafe-eval'")},
            id="unsafe-eval keeps the extra credit",
        ),
        pytest.param(
            "content-security-policy",
            "csp-implemented-with-insecure-scheme-in-passive-content-only",
            -10,
            105,
            {"headers": csp(img_src="'self' http://img.example.net")},
            id="http: image source",
        ),
        pytest.param(
            "content-security-policy",
            "csp-implemented-with-unsafe-inline-in-style-src-only",
            0,
            115,
            {"headers": csp(style_src="'self' 'unsafe-inline'")},
            id="unsafe-inline in style-src loses the CSP bonus",
        ),
        pytest.param(
            "content-security-policy",
            "csp-implemented-with-no-unsafe",
            5,
            120,
            {"headers": csp(default_src="'self'")},
            id="default-src 'self'",
        ),
        pytest.param(
            "strict-transport-security",
            "hsts-not-implemented",
            -20,
            80,
            {"headers": {"Strict-Transport-Security": None}},
            id="no HSTS",
        ),
        pytest.param(
            "strict-transport-security",
            "hsts-implemented-max-age-less-than-six-months",
            -10,
            115,
            {"headers": {"Strict-Transport-Security": "max-age=86400"}},
            id="short HSTS",
        ),
        pytest.param(
            "strict-transport-security",
            "hsts-header-invalid",
            -20,
            80,
            {"headers": {"Strict-Transport-Security": "includeSubDomains"}},
            id="HSTS without max-age",
        ),
        pytest.param(
            "cookies",
            "cookies-session-without-secure-flag-but-protected-by-hsts",
            -10,
            110,
            {"cookies": ["sessionid=abc123; HttpOnly; SameSite=Lax; Path=/", CSRF]},
            id="session cookie without Secure, HSTS",
        ),
        pytest.param(
            "cookies",
            "cookies-session-without-secure-flag",
            -40,
            40,
            {
                "headers": {"Strict-Transport-Security": None},
                "cookies": ["sessionid=abc123; HttpOnly; SameSite=Lax; Path=/", CSRF],
            },
            id="session cookie without Secure, no HSTS (-20 more)",
        ),
        pytest.param(
            "cookies",
            "cookies-session-without-httponly-flag",
            -30,
            70,
            {"cookies": ["sessionid=abc123; Secure; SameSite=Lax; Path=/", CSRF]},
            id="session cookie without HttpOnly",
        ),
        pytest.param(
            "cookies",
            "cookies-anticsrf-without-samesite-flag",
            -20,
            80,
            {"cookies": [SESSION, "csrftoken=xyz789; Secure; Path=/"]},
            id="CSRF cookie without SameSite",
        ),
        pytest.param(
            "cookies",
            "cookies-samesite-flag-invalid",
            -20,
            80,
            {"cookies": [*STRONG_COOKIES, "theme=dark; Secure; SameSite=Sometimes; Path=/"]},
            id="SameSite value invalid",
        ),
        pytest.param(
            "cookies",
            "cookies-without-secure-flag-but-protected-by-hsts",
            -5,
            115,
            {"cookies": [*STRONG_COOKIES, "theme=dark; SameSite=Lax; Path=/"]},
            id="other cookie without Secure, HSTS",
        ),
        pytest.param(
            "x-content-type-options",
            "x-content-type-options-not-implemented",
            -5,
            120,
            {"headers": {"X-Content-Type-Options": None}},
            id="no nosniff",
        ),
        pytest.param(
            "x-content-type-options",
            "x-content-type-options-header-invalid",
            -5,
            120,
            {"headers": {"X-Content-Type-Options": "sniff"}},
            id="X-Content-Type-Options invalid",
        ),
        pytest.param(
            "x-frame-options",
            "x-frame-options-not-implemented",
            -20,
            80,
            {"headers": {"X-Frame-Options": None, **csp(frame_ancestors=None)}},
            id="no XFO and no frame-ancestors",
        ),
        pytest.param(
            "x-frame-options",
            "x-frame-options-header-invalid",
            -20,
            80,
            {"headers": {"X-Frame-Options": "ALLOWALL", **csp(frame_ancestors=None)}},
            id="XFO invalid and no frame-ancestors",
        ),
        pytest.param(
            "subresource-integrity",
            "sri-not-implemented-but-external-scripts-loaded-securely",
            -5,
            120,
            {"html": page(EXTERNAL)},
            id="external https script without integrity",
        ),
        pytest.param(
            "subresource-integrity",
            "sri-not-implemented-and-external-scripts-not-loaded-securely",
            -50,
            50,
            {"html": page('<script src="http://cdn.example.net/lib.js"></script>')},
            id="external http script without integrity",
        ),
        pytest.param(
            "subresource-integrity",
            "sri-implemented-but-external-scripts-not-loaded-securely",
            -20,
            80,
            {"html": page('<script src="//cdn.example.net/lib.js" integrity="sha384-x"></script>')},
            id="protocol-relative script with integrity",
        ),
        pytest.param(
            "referrer-policy",
            "referrer-policy-unsafe",
            -5,
            115,
            {"headers": {"Referrer-Policy": "unsafe-url"}},
            id="unsafe referrer policy",
        ),
        pytest.param(
            "referrer-policy",
            "referrer-policy-header-invalid",
            -5,
            115,
            {"headers": {"Referrer-Policy": "sometimes"}},
            id="invalid referrer policy",
        ),
        pytest.param(
            "referrer-policy",
            "referrer-policy-not-implemented",
            0,
            120,
            {"headers": {"Referrer-Policy": None}},
            id="no referrer policy loses its bonus",
        ),
        pytest.param(
            "cross-origin-resource-sharing",
            "cross-origin-resource-sharing-implemented-with-universal-access",
            -50,
            50,
            {
                "headers": {
                    "Access-Control-Allow-Origin": observatory.CORS_ORIGIN,
                    "Access-Control-Allow-Credentials": "true",
                }
            },
            id="CORS reflects any origin with credentials",
        ),
        pytest.param(
            "cross-origin-resource-policy",
            "corp-header-invalid",
            -5,
            120,
            {"headers": {"Cross-Origin-Resource-Policy": "same-planet"}},
            id="CORP invalid",
        ),
        pytest.param(
            "redirection",
            "redirection-missing",
            -20,
            80,
            {"redirect_chain": ["http://testserver/events/"]},
            id="http stays on http",
        ),
        pytest.param(
            "redirection",
            "redirection-not-to-https-on-initial-redirection",
            -10,
            115,
            {"redirect_chain": ["http://testserver/", "http://www.testserver/", URL]},
            id="http redirects to http first",
        ),
        pytest.param(
            "redirection",
            "redirection-off-host-from-http",
            -5,
            120,
            {"redirect_chain": ["http://testserver/", "https://www.testserver/", URL]},
            id="http redirects to another host",
        ),
        pytest.param(
            "redirection",
            "redirection-to-https",
            0,
            125,
            {"redirect_chain": ["http://testserver/events/", URL]},
            id="http redirects to https",
        ),
    ],
)
def test_each_rule_changes_the_score_by_its_modifier(
    test: str, result_id: str, modifier: int, score: int, change: dict[str, Any]
) -> None:
    result = run(**change)
    assert result.tests[test] == result_id
    assert result.modifiers[test] == modifier == observatory.SCORE_TABLE[result_id]
    others = {name: m for name, m in result.modifiers.items() if name != test}
    penalties = sum(m for m in result.modifiers.values() if m < 0)
    bonuses = sum(m for m in result.modifiers.values() if m > 0) if penalties >= -10 else 0
    assert result.score == score == 100 + penalties + bonuses, others


@pytest.mark.parametrize(
    ("test", "result_id", "score", "change"),
    [
        pytest.param(
            "cross-origin-resource-policy",
            "corp-implemented-with-same-origin",
            135,
            {"headers": {"Cross-Origin-Resource-Policy": "same-origin"}},
            id="CORP same-origin",
        ),
        pytest.param(
            "subresource-integrity",
            "sri-implemented-and-external-scripts-loaded-securely",
            130,
            {"html": page(EXTERNAL.replace("src=", 'integrity="sha384-abc" src='))},
            id="external script with integrity",
        ),
        pytest.param(
            "subresource-integrity",
            "sri-not-implemented-but-no-scripts-loaded",
            125,
            {"html": "<!DOCTYPE html><title>No scripts</title>"},
            id="a page without scripts",
        ),
        pytest.param(
            "cookies", "cookies-not-found", 120, {"cookies": []}, id="no cookies, no bonus"
        ),
    ],
)
def test_bonuses(test: str, result_id: str, score: int, change: dict[str, Any]) -> None:
    result = run(**change)
    assert result.tests[test] == result_id
    assert (result.score, result.grade) == (score, "A+")


def test_the_grade_chart_and_the_floor_at_zero() -> None:
    assert run(headers={"Strict-Transport-Security": "max-age=86400; preload"}).grade == "A+"
    assert run(headers={"Content-Security-Policy": None}).grade == "B"
    assert run(cookies=["sessionid=abc123; Secure; SameSite=Lax; Path=/"]).grade == "B"
    worst = observatory.score(
        url="http://testserver/",
        status=200,
        headers={},
        set_cookies=["sessionid=1", "csrftoken=2"],
        html=page('<script src="http://cdn.example.net/lib.js"></script>'),
        redirect_chain=["http://testserver/"],
    )
    assert (worst.score, worst.grade) == (0, "F")


def test_headers_are_case_insensitive_and_repeats_are_joined_as_node_does() -> None:
    as_list = [(name.upper(), value) for name, value in STRONG_HEADERS.items()]
    assert (
        observatory.score(
            url=URL, status=200, headers=as_list, set_cookies=STRONG_COOKIES, html=page()
        )
        == run()
    )
    repeated = [*as_list, ("strict-transport-security", "max-age=63072000")]
    result = observatory.score(
        url=URL, status=200, headers=repeated, set_cookies=STRONG_COOKIES, html=page()
    )
    assert result.tests["strict-transport-security"] == "hsts-header-invalid"


def test_nonces_and_hashes_neutralise_unsafe_inline() -> None:
    result = run(headers=csp("'nonce-r4nd0m' 'unsafe-inline' 'strict-dynamic' https:"))
    assert result.tests["content-security-policy"] == (
        "csp-implemented-with-no-unsafe-default-src-none"
    )
    result = run(
        headers=csp("'sha256-abc=' 'unsafe-inline'", style_src="'nonce-x' 'unsafe-inline'")
    )
    assert result.modifiers["content-security-policy"] == 10


def test_repeated_report_directives_cost_the_csp_bonus() -> None:
    twice = STRONG_CSP + "; report-uri /csp/a; report-uri /csp/b"
    result = run(headers={"Content-Security-Policy": twice})
    assert result.tests["content-security-policy"] == "csp-implemented-but-duplicate-directives"
    assert result.score == 115


def test_a_meta_csp_is_a_policy_and_policies_intersect() -> None:
    meta = '<meta http-equiv="content-security-policy" content="default-src \'none\'">'
    result = run(headers={"Content-Security-Policy": None}, html=page(meta))
    assert result.tests["content-security-policy"] == (
        "csp-implemented-with-no-unsafe-default-src-none"
    )
    assert result.tests["x-frame-options"] == "x-frame-options-sameorigin-or-deny"
    policy, _ = observatory.parse_csp(
        ["default-src 'self' https://a.example", "default-src 'self'"]
    )
    assert policy == {"default-src": {"'self'"}}
    policy, _ = observatory.parse_csp(["default-src https://a.example", "default-src http:"])
    assert policy == {"default-src": {"'none'"}}


def test_a_meta_referrer_overrides_the_header() -> None:
    meta = '<meta name="referrer" content="no-referrer">'
    result = run(headers={"Referrer-Policy": "unsafe-url"}, html=page(meta))
    assert result.tests["referrer-policy"] == "referrer-policy-private"


def test_cookie_attributes_are_parsed_by_hand() -> None:
    shouted = "SessionID=abc; SECURE; httponly; samesite=LAX; path=/"
    assert run(cookies=[shouted, CSRF]).tests["cookies"] == (
        "cookies-secure-with-httponly-sessions-and-samesite"
    )
    in_the_value = 'sessionid="Secure; HttpOnly"; SameSite=Lax'
    assert run(cookies=[in_the_value]).tests["cookies"] == "cookies-session-without-httponly-flag"
    assert run(cookies=["login_token=x; Secure; SameSite=Lax"]).modifiers["cookies"] == -30
    other_domain = "sessionid=x; Domain=example.com; Path=/"
    assert run(cookies=[other_domain]).tests["cookies"] == "cookies-not-found"


def test_a_cookie_deletion_still_counts_as_a_cookie() -> None:
    """Django's delete_cookie() sends no HttpOnly; the scanner's jar keeps expired cookies."""
    deletion = (
        'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax; '
        "Secure"
    )
    assert run(cookies=[deletion, CSRF]).tests["cookies"] == "cookies-session-without-httponly-flag"


def test_a_response_without_html_has_no_subresources() -> None:
    result = observatory.score(
        url=URL, status=200, headers=STRONG_HEADERS, set_cookies=[], html=None
    )
    assert result.tests["subresource-integrity"] == "sri-not-implemented-response-not-html"
