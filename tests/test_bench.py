"""The page benchmark's pieces (`make bench`, bench/): the bare views, wrk's script and its
parsing, the sessions and in-process figures against a small world, and the report. The whole
benchmark takes minutes, so it is not run here; wrk itself runs for one second against a
stand-in server when it is installed."""

import importlib.util
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.sessions.models import Session
from django.urls import Resolver404, resolve

from bench import inproc, report, run, wrk
from bench.wrk import Result
from events.factories import EventFactory, InvitationFactory
from momento import bench_views
from profiles.factories import HostProfileFactory, SocialProfileFactory
from tests.servers import ROOT

# For @pytest.mark.urls(__name__): the bare views as BENCHMARK_VIEWS=true serves them.
urlpatterns = bench_views.urlpatterns

WRK_OUTPUT = """Running 1s test @ http://127.0.0.1:18050
  2 threads and 2 connections
BENCH_JSON {"requests": 250, "duration_us": 2000000, "bytes": 51200, "p50_us": 7500, \
"p90_us": 12000, "p99_us": 31250, "max_us": 40000, "errors": {"connect": 0, "read": 0, \
"write": 0, "status": 3, "timeout": 1}}
"""


def test_the_bare_views_do_not_exist_unless_benchmark_views_is_on(client):
    assert client.get("/bench/bare/").status_code == 404
    assert client.get("/bench/bare-member/").status_code == 404


def test_benchmark_views_on_adds_the_bare_views_to_the_url_conf(settings):
    settings.BENCHMARK_VIEWS = True
    # A fresh copy of momento/urls.py, so the site's own URL conf (and the harness) never sees them.
    spec = importlib.util.spec_from_file_location("bench_urls_copy", ROOT / "momento" / "urls.py")
    urls = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(urls)
    names = {getattr(pattern, "name", None) for pattern in urls.urlpatterns}
    assert {"bench-bare", "bench-bare-member"} <= names


@pytest.mark.urls(__name__)
def test_the_anonymous_bare_view_answers_ok_without_a_query(db, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/bench/bare/")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.urls(__name__)
def test_the_logged_in_bare_view_refuses_a_session_that_is_not_logged_in(client, user):
    assert client.get("/bench/bare-member/").status_code == 403
    client.force_login(user)
    response = client.get("/bench/bare-member/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert client.post("/bench/bare-member/").status_code == 405


def test_wrk_output_is_read_from_the_line_the_script_prints():
    result = wrk.parse(WRK_OUTPUT)
    assert result.requests == 250
    assert result.rps == 125.0
    assert (result.p50_ms, result.p90_ms, result.p99_ms) == (7.5, 12.0, 31.25)
    assert result.failed == 4


def test_wrk_output_without_the_line_is_an_error_that_shows_the_output():
    with pytest.raises(ValueError, match="unable to connect"):
        wrk.parse("unable to connect to 127.0.0.1:18050 Connection refused\n")


def test_the_script_quotes_cookies_and_path_for_lua():
    script = wrk.script("profile", '/people/a"b/', ['sessionid=x\\y; csrftoken="z"'])
    assert 'wrk.format("GET", "/people/a\\"b/")' in script
    assert 'local cookies = {"sessionid=x\\\\y; csrftoken=\\"z\\""}' in script


class _Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like gunicorn behind wrk
    seen: list[tuple[int, str, str, str]] = []
    lock = threading.Lock()

    def do_GET(self):
        with self.lock:
            self.seen.append(
                (
                    self.client_address[1],
                    self.path,
                    self.headers.get("Cookie", ""),
                    self.headers.get("X-Forwarded-Proto", ""),
                )
            )
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def test_wrk_gives_each_connection_its_own_session(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    cookies = [f"sessionid=session{n}" for n in range(3)]
    script = tmp_path / "page.lua"
    script.write_text(wrk.script("page", "/me/hosting/", cookies))
    try:
        result = wrk.run(
            f"http://127.0.0.1:{server.server_address[1]}", script, connections=3, duration=1
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.requests > 0
    assert result.failed == 0
    seen = _Recorder.seen
    assert {path for _, path, _, _ in seen} == {"/me/hosting/"}
    assert {proto for _, _, _, proto in seen} == {"https"}
    cookie_of_connection = {}
    for port, _, cookie, _ in seen:
        assert cookie_of_connection.setdefault(port, cookie) == cookie
    assert sorted(set(cookie_of_connection.values())) == cookies


TARGETS = {
    "big_event_id": "8d3a1c6e-55c5-4a43-9c2e-0d8f1b3b7a10",
    "big_host_username": "hugo",
    "busy_member_username": "ana",
    "member_usernames_sample": ["ana", "lea"],
}


def test_every_page_of_the_benchmark_is_a_url_of_the_site():
    for page in run.pages_for(TARGETS):
        if page.kind == "bare":
            continue
        try:
            resolve(page.path)
        except Resolver404:
            pytest.fail(f"{page.name}: {page.path} is no longer a URL of the site")


def test_only_some_pages_keeps_the_bare_views():
    names = [page.name for page in run.pages_for(TARGETS, ["profile"])]
    assert names == ["bare-anonymous", report.BARE, "profile"]


@pytest.fixture
def small_world(db, tmp_path):
    host = HostProfileFactory(user__username="hugo")
    event = EventFactory(host=host, max_participants=10)
    members = [SocialProfileFactory(user__username=name) for name in ("ana", "lea", "noah")]
    for profile in members[:2]:
        InvitationFactory(event=event, profile=profile, confirmed=True)
    summary = tmp_path / "world.json"
    targets = {
        "big_event_id": str(event.pk),
        "big_host_username": "hugo",
        "busy_member_username": "ana",
        "member_usernames_sample": ["ana", "lea", "noah"],
    }
    summary.write_text(json.dumps({"scale": 0, "counts": {}, "targets": targets}))
    return summary, targets


def test_sessions_are_one_per_connection_and_logged_in_as_the_role(small_world, tmp_path):
    summary, _ = small_world
    out = tmp_path / "sessions.json"
    inproc.sessions(summary, 3, out)
    sessions = json.loads(out.read_text())
    assert sessions["host"]["usernames"] == ["hugo"]
    assert sessions["guest"]["usernames"] == ["ana", "lea"]
    assert sessions["member"]["usernames"] == ["ana", "lea", "noah"]
    host_cookies = sessions["host"]["cookies"]
    assert len(host_cookies) == len(set(host_cookies)) == 3
    for cookie in host_cookies:
        key = cookie.split(";")[0].removeprefix("sessionid=")
        user_id = Session.objects.get(session_key=key).get_decoded()["_auth_user_id"]
        assert user_id == str(_user_id("hugo"))
        assert "csrftoken=" in cookie


def _user_id(username):
    from accounts.models import User

    return User.objects.get(username=username).pk


def test_cpu_step_measures_each_page_with_its_status_and_queries(small_world, tmp_path):
    summary, targets = small_world
    inproc.sessions(summary, 1, tmp_path / "sessions.json")
    sessions = json.loads((tmp_path / "sessions.json").read_text())
    pages = [
        {"name": p.name, "path": p.path, "cookie": sessions[p.role]["cookies"][0]}
        for p in run.pages_for(targets, ["hosting", "event-guest"])
        if p.kind != "bare"
    ]
    (tmp_path / "pages.json").write_text(json.dumps(pages))
    inproc.cpu(tmp_path / "pages.json", 2, tmp_path / "cpu.json")
    figures = json.loads((tmp_path / "cpu.json").read_text())
    assert set(figures) == {"hosting", "event-guest"}
    for values in figures.values():
        assert values["status"] == 200
        assert values["queries"] > 2
        assert values["cpu_ms"] > 0


def test_explain_shows_the_plan_of_the_lookup_it_is_asked_for(small_world, tmp_path):
    summary, targets = small_world
    inproc.sessions(summary, 1, tmp_path / "sessions.json")
    sessions = json.loads((tmp_path / "sessions.json").read_text())
    pages = [
        {
            "name": "profile",
            "label": "Profile by username",
            "path": "/people/ana/",
            "cookie": sessions["member"]["cookies"][0],
            "pick": "username",
        }
    ]
    (tmp_path / "pages.json").write_text(json.dumps(pages))
    inproc.explain(tmp_path / "pages.json", tmp_path / "plans.md")
    plans = (tmp_path / "plans.md").read_text()
    assert "`GET /people/ana/` → 200" in plans
    assert "Main query (the first filtering on `username`)" in plans
    assert "Execution Time" in plans


def _result(rps: float, p50: float = 5.0, failed: int = 0) -> Result:
    return Result(int(rps * 5), 5.0, p50, p50 * 2, p50 * 4, p50 * 5, 1000, {"status": failed})


def _world(label: str, bare: float, hosting: list[float]) -> report.WorldFigures:
    pages = {
        report.BARE: report.PageFigures(report.BARE, "bare view, logged in", "/b/", "bare"),
        "hosting": report.PageFigures("hosting", "host dashboard", "/me/hosting/", "list"),
    }
    pages[report.BARE].runs = [_result(bare)] * 3
    pages["hosting"].runs = [_result(r) for r in hosting]
    pages["hosting"].cpu = {"status": 200, "cpu_ms": 12.34, "queries": 9}
    return report.WorldFigures(label, {"scale": 1, "counts": {"users": 2000}}, pages)


def test_the_ratio_is_the_median_throughput_over_the_bare_views():
    world = _world("1×", 200, [10, 50, 40])
    assert world.ratio("hosting") == 0.2
    table = report.world_table(world)
    assert "| host dashboard | 40 | 0.200 | 5.0 | 20.0 | 12.3 | 9 |" in table


def test_a_bigger_world_is_compared_with_the_first():
    small, big = _world("1×", 200, [40] * 3), _world("10×", 200, [20] * 3)
    assert "| host dashboard | 20 | 0.100 | 5.0 | 20.0 | 12.3 | 9 | 0.50 |" in (
        report.world_table(big, small)
    )
    assert "| host dashboard | 0.200 | 0.100 | 0.50 |" in report.across_worlds([small, big])


def test_failed_requests_and_unmeasured_pages_are_flagged():
    world = _world("1×", 200, [40])
    world.pages["hosting"].runs = [_result(40, failed=7)]
    world.pages["profile"] = report.PageFigures("profile", "profile", "/people/x/", "detail")
    world.pages["profile"].problem = "status [404] before the runs"
    table = report.world_table(world)
    assert "host dashboard ⚠ 7 failed requests" in table
    assert "| profile ⚠ status [404] before the runs | 0 | – |" in table


def test_the_report_replaces_only_its_own_section(tmp_path):
    path = tmp_path / "benchmarks.md"
    report.write(path, report.LATEST, "## Latest run\n\nfirst")
    document = path.read_text()
    assert "## Before" in document
    path.write_text(document.replace("(to be filled in by hand", "hand-written (kept"))
    report.write(path, report.LATEST, "## Latest run\n\nsecond")
    report.write(path, report.PLANS, "## Latest plans\n\nPLANS-BODY")
    document = path.read_text()
    assert "hand-written (kept" in document
    assert "second" in document
    assert "first" not in document
    assert document.index("second") < document.index("PLANS-BODY")


def test_the_machine_is_described():
    box = report.machine()
    assert int(box["nproc"]) >= 1
    assert box["cpu"]


def test_with_a_database_url_each_world_gets_a_sibling_database(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://bench:secret@db.example:5432/momento")
    databases = run.Databases()  # connects only when a database is made
    assert databases.name("10×") == "momento_bench_w10"
    assert databases.name("demo") == "momento_bench_wdemo"
    assert databases.url("momento_bench_w10") == (
        "postgres://bench:secret@db.example:5432/momento_bench_w10"
    )


def test_the_app_under_test_runs_in_production_mode():
    env = run.production_env("postgres://db/momento_bench_w1", 18050)
    assert env["DEBUG"] == "false"
    assert int(env["CONN_MAX_AGE"]) >= 60
    assert env["BENCHMARK_VIEWS"] == "true"
    assert env["DATABASE_URL"] == "postgres://db/momento_bench_w1"
    assert env["SECURE_SSL_REDIRECT"] == "true"  # the pages answer 200 through the https header
