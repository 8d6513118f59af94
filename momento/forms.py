"""Small helpers every app's forms share."""

from django import forms


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
