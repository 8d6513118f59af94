"""events/templatetags/rows.py's `digits`: a count printed as `{{ count }}` prints it, in every
language of the site, without the localized-format lookups."""

import pytest
from django.conf import settings
from django.template import engines
from django.utils import translation

RENDER = engines["django"].from_string


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
@pytest.mark.parametrize("value", [0, 7, 1234, 1234567, -3, True, None, "", 2.5, "12"])
def test_digits_prints_what_the_template_prints(language, value):
    with translation.override(language):
        plain = RENDER("{{ n }}").render({"n": value})
        fast = RENDER("{% load rows %}{{ n|digits }}").render({"n": value})
    assert fast == plain
