import json
import subprocess
import sys

from momento import embedded_db


def test_pids_of_processes_that_died_without_cleaning_up_are_forgotten(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    handles = tmp_path / ".handle_pids.json"
    alive = subprocess.os.getpid()
    handles.write_text(json.dumps([int(dead.stdout), alive]))

    embedded_db._forget_dead_processes(handles)

    assert json.loads(handles.read_text()) == [alive]


def test_child_processes_get_a_database_url_for_the_socket():
    url = embedded_db.url_for({"USER": "postgres", "HOST": "/tmp/pg sock", "NAME": "momento"})
    assert url == "postgres://postgres@%2Ftmp%2Fpg%20sock/momento"
    import dj_database_url

    parsed = dj_database_url.parse(url)
    assert (parsed["HOST"], parsed["NAME"], parsed["USER"]) == (
        "/tmp/pg sock",
        "momento",
        "postgres",
    )
