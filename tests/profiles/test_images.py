"""The upload pipeline for photos (profiles/images.py): what goes in, what comes out, what is
refused. Every test image is drawn here with Pillow; nothing needs a database."""

import io
import re
import warnings
from pathlib import Path

import pytest
from django import forms
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms, ImageDraw

from profiles import images
from profiles.images import (
    MAX_UPLOAD_BYTES,
    ImageRejected,
    ImageUploadField,
    delete_variants,
    open_upload,
    save_variants,
)

NOT_ACCEPTED = "This file is not a JPEG, PNG or WebP image."
DAMAGED = "This image could not be read; the file may be damaged."
TOO_MANY_PIXELS = "This image is too large (over 24 megapixels)."
TOO_SMALL = "This image is too small; photos need at least 64 pixels on each side."
TOO_BIG_FILE = "This file is larger than 8 MB. Please choose a smaller photo."

RED, BLUE = (220, 20, 20), (20, 20, 220)


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    # default_storage is lazy and cached: check it really writes below the new MEDIA_ROOT.
    assert Path(default_storage.path("x")) == settings.MEDIA_ROOT / "x"
    return settings.MEDIA_ROOT


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def encode(image: Image.Image, format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def two_halves(size=(200, 100), mode="RGB") -> Image.Image:
    """Red on the left, blue on the right: shows which way the picture was turned."""
    image = Image.new(mode, size, RED)
    ImageDraw.Draw(image).rectangle((size[0] // 2, 0, size[0], size[1]), fill=BLUE)
    return image


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def store(data: bytes, name="photo.jpg"):
    return save_variants(open_upload(upload(data, name)), folder="photos")


def read(name: str) -> bytes:
    with default_storage.open(name) as file:
        return file.read()


def close_to(actual, expected, tolerance=30) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=False))


@pytest.mark.parametrize("format", ["JPEG", "PNG", "WEBP"])
def test_exif_and_gps_never_survive_and_the_photo_is_turned_upright(media, format):
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Industries"  # Make
    exif[0x0112] = 6  # Orientation: turn 90 degrees clockwise to view
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (52.0, 22.0, 30.0)
    original = encode(two_halves(), format, exif=exif)
    assert b"SpyCam Industries" in original
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)

    stored = store(original)

    assert set(stored.names) == {"large", "medium", "thumb"}
    assert (stored.width, stored.height) == (100, 200)
    for name in stored.names.values():
        data = read(name)
        assert b"Exif" not in data
        assert b"EXIF" not in data
        assert b"SpyCam" not in data
        with Image.open(io.BytesIO(data)) as variant:
            assert variant.format == "WEBP"
            assert not variant.getexif()
            assert variant.height > variant.width
            rgb = variant.convert("RGB")
            assert close_to(rgb.getpixel((variant.width // 2, 5)), RED)
            assert close_to(rgb.getpixel((variant.width // 2, variant.height - 5)), BLUE)


def test_the_opened_image_carries_no_metadata_at_all():
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Industries"
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(two_halves(), "JPEG", exif=exif, comment=b"secret", icc_profile=srgb)
    assert Image.open(io.BytesIO(data)).info.keys() >= {"exif", "comment", "icc_profile"}
    image = open_upload(upload(data))
    assert image.info == {}
    assert image.mode == "RGB"


def test_a_png_with_transparency_keeps_it(media):
    picture = Image.new("RGBA", (300, 200), (0, 128, 0, 0))
    ImageDraw.Draw(picture).rectangle((100, 50, 200, 150), fill=(0, 128, 0, 255))

    stored = store(encode(picture, "PNG"), name="logo.png")

    with Image.open(io.BytesIO(read(stored.names["large"]))) as large:
        assert large.mode == "RGBA"
        assert large.size == (300, 200)
        assert large.getpixel((5, 5))[3] == 0
        assert large.getpixel((150, 100))[3] == 255


def test_palette_and_sixteen_bit_grey_pngs_become_rgb():
    palette = two_halves().convert("P")
    grey = Image.new("I;16", (100, 100), 40000)
    assert open_upload(upload(encode(palette, "PNG"))).mode == "RGB"
    image = open_upload(upload(encode(grey, "PNG")))
    assert image.mode == "RGB"
    assert close_to(image.getpixel((0, 0)), (156, 156, 156), tolerance=1)  # scaled, not clipped


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((3200, 2400), {"large": (1600, 1200), "medium": (640, 480), "thumb": (160, 120)}),
        ((800, 400), {"large": (800, 400), "medium": (640, 320), "thumb": (160, 80)}),
        ((100, 80), {"large": (100, 80), "medium": (100, 80), "thumb": (100, 80)}),
    ],
)
def test_variants_fit_their_longest_side_and_are_never_upscaled(media, size, expected):
    stored = store(encode(two_halves(size), "WEBP"), name="photo.webp")

    sizes = {}
    for variant, name in stored.names.items():
        with Image.open(io.BytesIO(read(name))) as image:
            sizes[variant] = image.size
    assert sizes == expected
    assert (stored.width, stored.height) == expected["large"]


def test_a_multi_picture_jpeg_from_a_camera_is_accepted_with_its_first_picture():
    data = encode(
        Image.new("RGB", (100, 100), RED),
        "MPO",
        save_all=True,
        append_images=[Image.new("RGB", (100, 100), BLUE)],
    )
    assert close_to(open_upload(upload(data)).getpixel((50, 50)), RED)


def test_names_are_random_and_files_are_stored_under_the_folder(media):
    data = encode(two_halves(), "PNG")

    first, second = store(data), store(data)

    assert set(first.names.values()).isdisjoint(second.names.values())
    for stored in (first, second):
        for variant, name in stored.names.items():
            assert re.fullmatch(rf"photos/([0-9a-f]{{2}})/\1[0-9a-f]{{30}}-{variant}\.webp", name)
            assert default_storage.exists(name)
            assert (media / name).is_file()
    assert len(stored_files(media)) == 6


def test_deleting_variants_removes_the_files_and_ignores_missing_ones(media):
    kept, deleted = store(encode(two_halves(), "PNG")), store(encode(two_halves(), "PNG"))

    delete_variants(deleted.names.values())
    delete_variants([*deleted.names.values(), "photos/00/never-there-thumb.webp", ""])

    assert not any(default_storage.exists(name) for name in deleted.names.values())
    assert stored_files(media) == sorted(media / name for name in kept.names.values())


def png_with_a_bad_checksum() -> bytes:
    """Pillow decodes it without complaint; only verify() notices the broken image data."""
    data = bytearray(encode(two_halves(), "PNG"))
    start = data.index(b"IDAT")
    length = int.from_bytes(data[start - 4 : start], "big")
    data[start + 4 + length] ^= 0xFF  # first byte of the chunk's CRC
    return bytes(data)


def svg() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg" width="99" height="99"><rect/></svg>'


def truncated_png() -> bytes:
    data = encode(Image.effect_noise((200, 200), 60).convert("RGB"), "PNG")
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("name", "make_data", "message"),
    [
        ("photo.jpg", lambda: b"Just some text, not a photo at all.\n" * 20, NOT_ACCEPTED),
        ("photo.svg", svg, NOT_ACCEPTED),
        ("photo.png", svg, NOT_ACCEPTED),
        ("photo.gif", lambda: encode(two_halves(), "GIF"), NOT_ACCEPTED),
        ("photo.jpg", lambda: encode(two_halves(), "TIFF"), NOT_ACCEPTED),
        ("photo.png", truncated_png, DAMAGED),
        ("photo.png", png_with_a_bad_checksum, DAMAGED),
        ("photo.png", lambda: encode(Image.new("1", (10000, 10000)), "PNG"), TOO_MANY_PIXELS),
        ("photo.png", lambda: encode(Image.new("L", (6000, 5000)), "PNG"), TOO_MANY_PIXELS),
        ("photo.png", lambda: encode(two_halves((10, 10)), "PNG"), TOO_SMALL),
        ("photo.jpg", lambda: encode(two_halves((2000, 63)), "JPEG"), TOO_SMALL),
        ("photo.jpg", lambda: b"\xff\xd8\xff" + bytes(MAX_UPLOAD_BYTES), TOO_BIG_FILE),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message_and_nothing_is_stored(
    media, name, make_data, message
):
    with pytest.raises(ImageRejected) as refused:
        store(make_data(), name=name)

    assert refused.value.message == message
    assert str(refused.value) == message
    assert stored_files(media) == []


def test_pillows_decompression_bomb_warning_never_leaks_out():
    bomb = encode(Image.new("1", (10000, 10000)), "PNG")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ImageRejected):
            open_upload(upload(bomb, name="photo.png"))

    assert [warning.message for warning in caught] == []


def test_a_file_without_a_known_size_is_read_no_further_than_the_limit(monkeypatch):
    monkeypatch.setattr(images, "MAX_UPLOAD_BYTES", 1000)
    stream = io.BytesIO(encode(Image.effect_noise((100, 100), 60), "PNG"))
    assert len(stream.getvalue()) > 1000

    with pytest.raises(ImageRejected):
        open_upload(stream)
    assert stream.tell() == 1001


class PhotoForm(forms.Form):
    photo = ImageUploadField()


def test_the_form_field_cleans_to_a_metadata_free_image():
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Industries"
    form = PhotoForm(data={}, files={"photo": upload(encode(two_halves(), "JPEG", exif=exif))})

    assert form.is_valid(), form.errors
    image = form.cleaned_data["photo"]
    assert isinstance(image, Image.Image)
    assert image.size == (200, 100)
    assert image.info == {}
    assert 'accept="image/jpeg,image/png,image/webp"' in str(form["photo"])


def test_the_form_field_shows_why_an_upload_was_refused():
    form = PhotoForm(data={}, files={"photo": upload(b"GIF89a not really", name="photo.jpg")})

    assert not form.is_valid()
    assert form.errors["photo"] == [NOT_ACCEPTED]
    assert form.errors.as_data()["photo"][0].code == "invalid_image"
