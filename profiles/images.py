"""The one safe way in for user-uploaded photos (profile photos and covers now, event images later).

An upload is untrusted bytes. Before anything is stored it is checked by content, not by file
name (only JPEG, PNG and WebP), for size in bytes and in pixels (decompression bombs are refused
from the header, before any pixel is decoded), then decoded fully and rebuilt from its pixel data
alone: EXIF (camera, GPS position), ICC, XMP and comments never survive, and the original file is
never kept. What is stored are re-encoded WebP variants, resized for lists and pages, under random
names, through Django's storage API. Every refusal carries a message that is safe to show to the
person who uploaded.
"""

from __future__ import annotations

import contextlib
import secrets
import struct
import warnings
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from typing import IO, Any

from django import forms
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from PIL import Image, ImageCms, ImageOps

MAX_UPLOAD_BYTES = 8 * 1024 * 1024  # 8 MiB
MAX_PIXELS = 24_000_000  # width * height of the decoded image
MIN_SIDE = 64  # smaller images are refused ("too small")
ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}  # Pillow format -> label
VARIANTS = {"large": 1600, "medium": 640, "thumb": 160}  # longest side in px; never upscale

WEBP_QUALITY = 82
WEBP_METHOD = 4

# Pillow opens multi-picture JPEGs from cameras (MPO) as their own format: still a JPEG file.
_FORMAT_ALIASES = {"MPO": "JPEG"}
# What Pillow's decoders raise on malformed input.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error, IndexError)


class ImageRejected(Exception):
    """Raised with a message that is safe to show to the person who uploaded."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _not_accepted() -> ImageRejected:
    labels = list(ACCEPTED_FORMATS.values())
    return ImageRejected(f"This file is not a {', '.join(labels[:-1])} or {labels[-1]} image.")


def _damaged() -> ImageRejected:
    return ImageRejected("This image could not be read; the file may be damaged.")


def _too_large() -> ImageRejected:
    return ImageRejected(f"This image is too large (over {MAX_PIXELS // 1_000_000} megapixels).")


@dataclass(frozen=True)
class StoredImage:
    names: dict[str, str]  # variant -> storage name, e.g. "photos/3f/3f9a...-large.webp"
    width: int  # of the "large" variant
    height: int


def _read_limited(file: File | IO[bytes]) -> bytes:
    too_big = ImageRejected(
        f"This file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB. "
        "Please choose a smaller photo."
    )
    size = getattr(file, "size", None)
    if isinstance(size, int) and size > MAX_UPLOAD_BYTES:
        raise too_big
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise too_big
    return data


def _open(data: bytes) -> Image.Image:
    """Identify the image by content and check its header size; nothing is decoded yet."""
    try:
        image = Image.open(BytesIO(data), formats=list(ACCEPTED_FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large() from None
    except Image.UnidentifiedImageError:
        raise _not_accepted() from None
    except _DECODE_ERRORS:
        raise _damaged() from None
    if _FORMAT_ALIASES.get(image.format or "", image.format) not in ACCEPTED_FORMATS:
        raise _not_accepted()
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise _too_large()
    if min(width, height) < MIN_SIDE:
        raise ImageRejected(
            f"This image is too small; photos need at least {MIN_SIDE} pixels on each side."
        )
    return image


def _to_srgb(image: Image.Image, mode: str) -> Image.Image | None:
    """Apply an embedded colour profile (e.g. a phone's Display P3), so colours stay right once
    the profile is dropped. None when there is no usable profile."""
    icc = image.info.get("icc_profile")
    if not icc:
        return None
    try:
        source = ImageCms.ImageCmsProfile(BytesIO(icc))
        return ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=mode
        )
    except (ImageCms.PyCMSError, *_DECODE_ERRORS):
        return None


def _clean(image: Image.Image) -> Image.Image:
    """The pixels alone, as RGB or RGBA, in a brand-new image without any metadata."""
    has_alpha = image.mode in ("RGBA", "RGBa", "LA", "La", "PA") or "transparency" in image.info
    mode = "RGBA" if has_alpha else "RGB"
    converted = _to_srgb(image, mode) if image.mode in ("RGB", "RGBA", "CMYK") else None
    if converted is None:
        if image.mode.startswith("I;16"):
            image = image.point(lambda value: value / 256, "L")  # 16-bit grey: scale, not clip
        converted = image.convert(mode)
    return Image.frombytes(mode, converted.size, converted.tobytes())


def open_upload(file: File | IO[bytes]) -> Image.Image:
    """Read an uploaded file (a Django UploadedFile or any binary file object) and return its
    first frame, upright (EXIF orientation applied), fully decoded, in RGB or RGBA mode and with
    no metadata at all. Raises ImageRejected with a message for the uploader."""
    data = _read_limited(file)
    with warnings.catch_warnings():
        # Pillow's own bomb check warns; refuse instead. MAX_PIXELS is the stricter limit anyway.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _open(data)
        try:
            image.verify()  # structure and checksums; leaves the image unusable
            image = Image.open(BytesIO(data), formats=list(ACCEPTED_FORMATS))
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_large() from None
        except _DECODE_ERRORS:
            raise _damaged() from None
    try:
        upright = ImageOps.exif_transpose(image)
    except _DECODE_ERRORS:
        upright = image  # unreadable EXIF: keep the pixels as they are
    try:
        return _clean(upright)
    except _DECODE_ERRORS:
        raise _damaged() from None


def save_variants(image: Image.Image, *, folder: str) -> StoredImage:
    """Store every VARIANT of the image as WebP under a new random name in `folder`, through
    Django's default storage. The image should come from open_upload."""
    token = secrets.token_hex(16)
    prefix = f"{folder.strip('/')}/{token[:2]}/{token}"
    names: dict[str, str] = {}
    sizes: dict[str, tuple[int, int]] = {}
    source = image
    try:
        # Largest first, each made from the one before: faster, and just as sharp.
        for variant, side in sorted(VARIANTS.items(), key=lambda item: -item[1]):
            resized = source.copy()
            resized.thumbnail((side, side), Image.Resampling.LANCZOS)  # keeps ratio, no upscale
            buffer = BytesIO()
            resized.save(buffer, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
            names[variant] = default_storage.save(
                f"{prefix}-{variant}.webp", ContentFile(buffer.getvalue())
            )
            sizes[variant] = resized.size
            source = resized
    except BaseException:
        delete_variants(names.values())
        raise
    width, height = sizes.get("large", image.size)
    return StoredImage(names=names, width=width, height=height)


def delete_variants(names: Iterable[str]) -> None:
    """Delete stored files; missing files are ignored."""
    for name in names:
        if not name:
            continue
        with contextlib.suppress(FileNotFoundError):  # other storages than the local folder
            default_storage.delete(name)


class ImageUploadField(forms.FileField):
    """A form field whose cleaned value is the opened, metadata-free PIL image from open_upload."""

    accept = "image/jpeg,image/png,image/webp"

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = self.accept
        return attrs

    def to_python(self, data: Any) -> Image.Image | None:
        upload = super().to_python(data)
        if upload is None:
            return None
        try:
            return open_upload(upload)
        except ImageRejected as rejected:
            raise forms.ValidationError(rejected.message, code="invalid_image") from None
