import threading

from procrastinate.contrib.django import app as task_app


def run_worker() -> None:
    """Run every waiting job, as the worker would, then return.

    In a thread of its own: the worker needs an event loop, and once a browser test has run,
    Playwright's sync API keeps one running in the test thread.
    """
    worker = threading.Thread(
        target=task_app.run_worker,
        kwargs={"wait": False, "install_signal_handlers": False, "listen_notify": False},
    )
    worker.start()
    worker.join()


def run_worker_on(worker_connector):
    with task_app.replace_connector(worker_connector):
        run_worker()
