"""Scanning a ticket's QR code on the check-in page (static/js/check_in_scan.js), in a real
headless Chromium: without BarcodeDetector no button appears and typing works as always; with
it (here a stand-in, and a stand-in camera, as this Chromium on Linux has neither), "Scan with
camera" reads the code and checks the guest in. The page alone may use the camera."""

import datetime
import json

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.factories import DEFAULT_PASSWORD, UserFactory
from events import services
from events.factories import EventFactory
from events.models import Invitation
from profiles.factories import CityFactory, HostProfileFactory, profile_of
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
WITHOUT_DETECTOR = "delete window.BarcodeDetector;"
# A detector that reads `code` from whatever it is shown, and a camera that films a black canvas.
WITH_DETECTOR = """
window.BarcodeDetector = class {
  static async getSupportedFormats() { return ["qr_code", "ean_13"]; }
  constructor(options) { this.formats = options.formats; }
  async detect(source) {
    return source instanceof HTMLVideoElement ? [{ format: "qr_code", rawValue: %s }] : [];
  }
};
navigator.mediaDevices.getUserMedia = async () => {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 64;
  canvas.getContext("2d").fillRect(0, 0, 64, 64);
  return canvas.captureStream(5);
};
"""


@pytest.fixture
def tonight():
    hugo = HostProfileFactory(
        user=UserFactory(username="hugo", email="hugo@example.com"), host_name="Hugo's tables"
    )
    ana = profile_of(UserFactory(username="ana", email="ana@example.com"), first_name="Ana")
    paris = CityFactory(name="Paris", country="France", time_zone="Europe/Paris")
    starts = timezone.now() + datetime.timedelta(hours=1)
    event = EventFactory(
        host=hugo, title="Tonight", city=paris, starts_at=starts, ends_at=starts + 3 * HOUR
    )
    services.accept_invitation(services.invite(event, ana, by=hugo), by=ana)
    return event


HOUR = datetime.timedelta(hours=1)


def open_check_in(page: Page, live_server, event):
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, email="hugo@example.com", password=DEFAULT_PASSWORD)
    return page.goto(f"{live_server.url}/events/{event.pk}/check-in/")


def test_without_barcode_detector_there_is_no_scan_button_and_typing_works(
    page: Page, live_server, tonight
):
    page.add_init_script(WITHOUT_DETECTOR)
    response = open_check_in(page, live_server, tonight)
    policy = response.headers["permissions-policy"]
    assert "camera=(self)" in policy and "microphone=()" in policy
    expect(page.get_by_role("heading", name="Check-in", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Scan with camera")).to_have_count(0)
    code = Invitation.objects.get(event=tonight, profile__first_name="Ana").ticket_code
    page.get_by_label("Ticket code").fill(code)
    page.get_by_role("button", name="Check in", exact=True).click()
    expect(page.get_by_text("Ana is checked in.")).to_be_visible()


def test_with_barcode_detector_scanning_a_ticket_checks_the_guest_in(
    page: Page, live_server, tonight
):
    seat = Invitation.objects.get(event=tonight, profile__first_name="Ana")
    page.add_init_script(WITH_DETECTOR % json.dumps(f" {seat.ticket_display.lower()} "))
    open_check_in(page, live_server, tonight)
    page.get_by_role("button", name="Scan with camera").click()
    expect(page.get_by_text("Ana is checked in.")).to_be_visible()
    expect(page.get_by_role("button", name="Scan with camera")).to_be_visible()  # camera off
    seat.refresh_from_db()
    assert seat.checked_in_at is not None


def test_other_pages_keep_the_camera_off(page: Page, live_server, tonight):
    open_check_in(page, live_server, tonight)
    response = page.goto(f"{live_server.url}{tonight.get_absolute_url()}")
    assert "camera=()" in response.headers["permissions-policy"]
