"""The long-lived Nu checker (tests/harness/checkers.py) is as strict as its command line."""

import pytest

from tests.harness.checkers import validate_html, validate_html_with_the_command_line

HEAD = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>T</title></head>'
DOCUMENTS = {
    "valid": f"{HEAD}<body><main><h1>Fine</h1><p>Fine.</p></main></body></html>",
    "stray end tag": f"{HEAD}<body><p><div>a block inside a paragraph</div></p></body></html>",
    "no doctype": "<html><head><title>T</title></head><body></body></html>",
    "no title": '<!DOCTYPE html><html lang="en"><head></head><body></body></html>',
    "duplicate id": f'{HEAD}<body><p id="a">1</p><p id="a">2</p></body></html>',
    "bad attribute": f'{HEAD}<body><a href="/" rel="x y" foo="1">a</a></body></html>',
    "bad aria": f'{HEAD}<body><div role="nonsense" aria-hidden="maybe">x</div></body></html>',
    "form control": f'{HEAD}<body><form><input type="nonsense"><select></select></form></body>',
    "unclosed": f"{HEAD}<body><main><section><h2>x</h2></main></body></html>",
    "warnings only": "<!DOCTYPE html><html><head><title>T</title></head><body></body></html>",
    "non-ascii": f"{HEAD}<body><p>Café — 😀 &nbsp;</b></p></body></html>",
    "nested forms": f"{HEAD}<body><form><form></form></form></body></html>",
}


@pytest.mark.django_db
def test_the_running_checker_finds_the_same_errors_as_the_command_line(client):
    documents = {**DOCUMENTS, "home page": client.get("/").text}
    expected = validate_html_with_the_command_line(documents)
    assert set(expected) == set(DOCUMENTS) - {"valid", "warnings only", "home page"}
    assert validate_html(documents) == expected
