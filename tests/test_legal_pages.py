"""Terms of use and the privacy policy: pages in the layout, linked from every page's footer and
from sign-up."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "heading", "says"),
    [
        ("terms", "Terms of use", "refunded in full when you give your seat back"),
        ("privacy", "Privacy policy", "Only essential cookies"),
    ],
)
def test_each_legal_page_is_public_and_says_what_matters(client, name, heading, says):
    page = client.get(reverse(name))
    assert page.status_code == 200
    assert f"<h1>{heading}</h1>" in page.text
    assert says in page.text


def test_the_privacy_page_lists_what_is_stored_why_and_for_how_long(client):
    page = client.get(reverse("privacy")).text
    for column in ("What", "Why", "For how long"):
        assert f'<th scope="col">{column}</th>' in page
    assert "Read ones are deleted after 90 days" in page
    assert "never by you, hosts or other members" in page  # the reliability score


@pytest.mark.parametrize("url", ["/", "/events/", "/accounts/login/"])
def test_every_page_links_both_from_its_footer(client, url):
    page = client.get(url).text
    footer = page[page.index('<footer class="site-footer">') :]
    assert f'href="{reverse("terms")}"' in footer and f'href="{reverse("privacy")}"' in footer


def test_sign_up_says_what_signing_up_accepts(client):
    page = client.get(reverse("account_signup")).text
    assert "By creating an account you accept the" in page
    assert "By creating an account" not in client.get(reverse("account_login")).text
