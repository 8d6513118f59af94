"""Small helpers every app's forms share."""

from django import forms
from django.utils.html import format_html
from django.utils.safestring import mark_safe


def load_choices(form: forms.Form) -> None:
    """Fetch the options of the form's model choice fields now, one query each, rather than
    while its template renders (no query runs during rendering: tests/queries.py). Call it at
    the end of `__init__`, after any change to a field's queryset: a field's loaded choices no
    longer follow its queryset."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            # As ModelChoiceIterator yields them, without its COUNT and its server-side cursor.
            options = field.iterator(field)
            empty = [] if field.empty_label is None else [("", field.empty_label)]
            field.choices = empty + [options.choice(obj) for obj in field.queryset]


def _attrs(attrs: dict) -> str:
    """Django's django/forms/widgets/attrs.html, in Python."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    """Django's select, written in Python rather than with one template per option: the same
    HTML (tests/test_forms_select.py compares them), at a fraction of the CPU on a filter form
    with dozens of options (discovery, people)."""

    def render(self, name, value, attrs=None, renderer=None):
        if self.template_name != "django/forms/widgets/select.html":
            return super().render(name, value, attrs, renderer)
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"', widget["name"]), _attrs(widget["attrs"]), ">"]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>\n',
                        str(option["value"]),
                        mark_safe(_attrs(option["attrs"])),
                        option["label"],
                    )
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))
