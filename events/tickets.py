"""Ticket codes: short enough to read out, unguessable, from an alphabet without look-alikes
(no 0/O, no 1/I), and their QR code, drawn on the server as inline SVG (segno: no outside
service, nothing for the CSP to allow)."""

from __future__ import annotations

import re
import secrets

import segno
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 8  # 32 ** 8, about 10 ** 12 codes


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str | None:
    """What the host typed, read as a code: case, spaces and dashes do not matter. None when it
    cannot be a code at all (wrong length or letters the alphabet does not have)."""
    code = re.sub(r"[\s\-]", "", typed or "").upper()
    if len(code) != LENGTH or any(char not in ALPHABET for char in code):
        return None
    return code


def qr_svg(code: str) -> SafeString:
    """The code's QR code as inline SVG, labelled for screen readers with the code itself."""
    label = f"QR code of the ticket code {code[:4]}-{code[4:]}"
    svg = segno.make(code, error="m").svg_inline(
        scale=6, light="#fff", title=label, svgclass="ticket-qr"
    )
    return format_html('<div role="img" aria-label="{}">{}</div>', label, mark_safe(svg))
