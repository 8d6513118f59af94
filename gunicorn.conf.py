"""gunicorn's production configuration: `gunicorn momento.wsgi` reads it from the working
directory, and the Procfile names it. Every value can be changed from the environment."""

import os


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (containers)
    except AttributeError:
        return os.cpu_count() or 1


# Where the platform's router sends requests: PORT, on every interface unless HOST says otherwise.
bind = [f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"]

# Processes, each with a few threads: a thread waiting on PostgreSQL lets another one work, and
# gthread keeps connections alive between requests. Each thread holds its own database
# connection (CONN_MAX_AGE), so a server opens at most workers × threads of them.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cores() + 1)
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))

# A request longer than this is a bug or a stuck connection: the worker is replaced. 30 s is
# what most platforms' routers wait before they give up themselves.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# A deploy or a scale-down lets requests in flight finish.
graceful_timeout = 30
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Each worker is replaced after about this many requests (with jitter, so they never all restart
# at once): whatever memory a long life accumulates is given back.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 10

# Logs go to stdout and stderr, where the platform collects them: one access line per request,
# with the time it took in microseconds.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus "%(a)s"'

# The proxies whose X-Forwarded-* headers gunicorn believes: only the local one by default; on a
# platform whose router is the only way in, FORWARDED_ALLOW_IPS="*". (Django itself reads
# X-Forwarded-Proto through SECURE_PROXY_SSL_HEADER.)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Worker heartbeats in memory rather than on a disk that may be slow (containers).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# gunicorn's control socket (gunicornc) sits at one path per machine user: several servers on one
# machine would take it from each other, and nothing here uses it.
control_socket_disable = True
