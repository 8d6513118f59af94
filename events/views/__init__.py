"""Event pages, one module per concern. Thin: load through access.py, validate a form, call one
service, pick a page or an htmx fragment."""
