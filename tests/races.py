import threading
from collections.abc import Callable

from django.db import connection


def run_at_once(calls: list[Callable[[], object]]) -> list[BaseException]:
    """Run each call in its own thread, on its own database connection, all released together;
    return what they raised."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call):
        try:
            barrier.wait()
            call()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
