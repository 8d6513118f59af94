"""momento.forms.Select writes the same HTML as Django's templates for the select widget."""

import pytest
from django import forms

from momento.forms import Select

CHOICES = [("", "Any city"), ("1", "Lyon & <Paris>"), ("2", 'Quote "here"'), (3, "Three")]
GROUPED = [("", "None"), ("Group <a>", [("x", "X"), ("y", "Y")]), ("z", "Z")]


@pytest.mark.parametrize(
    ("choices", "value", "attrs"),
    [
        (CHOICES, None, None),
        (CHOICES, "1", {"id": "id_city", "class": "wide"}),
        (CHOICES, 3, {"required": True, "disabled": False, "aria-describedby": 'a"b'}),
        (GROUPED, "y", {"id": "id_g"}),
        ([], None, None),
    ],
)
def test_same_html_as_djangos_templates(choices, value, attrs):
    ours = Select(choices=choices).render("city", value, attrs)
    djangos = forms.Select(choices=choices).render("city", value, attrs)
    assert ours == djangos
    assert "selected" in ours or value is None or not choices


class CityForm(forms.Form):
    city = forms.ChoiceField(choices=CHOICES, required=False, widget=Select)


def test_bound_form_field_renders_the_same_as_djangos():
    ours = str(CityForm({"city": "2"})["city"])

    class DjangoForm(forms.Form):
        city = forms.ChoiceField(choices=CHOICES, required=False)

    assert ours == str(DjangoForm({"city": "2"})["city"])
    assert '<option value="2" selected>Quote &quot;here&quot;</option>' in ours
