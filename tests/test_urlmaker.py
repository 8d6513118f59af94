import uuid

import pytest
from django.template import Context, Template
from django.urls import reverse, set_script_prefix

from momento.urlmaker import STR_SLOT, UUID_SLOT, row_url, url_maker


@pytest.mark.parametrize("username", ["alice", "José", "a+b@c.d", "o'neil", "50%_off", "x y"])
def test_a_made_url_is_the_one_reverse_gives(username):
    assert url_maker("profiles:profile", STR_SLOT)(username) == reverse(
        "profiles:profile", args=[username]
    )


def test_slots_are_filled_in_order_beside_fixed_arguments():
    event, invitation = uuid.uuid4(), uuid.uuid4()
    make = url_maker("events:withdraw", event, UUID_SLOT)
    assert make(invitation) == reverse("events:withdraw", args=[event, invitation])


def test_the_wrong_number_of_values_is_refused():
    with pytest.raises(TypeError):
        url_maker("events:withdraw", uuid.uuid4(), UUID_SLOT)()


@pytest.mark.parametrize("username", ["alice", "José", "a+b@c.d", "o'neil", "50%_off", "x y"])
def test_a_row_url_is_the_one_reverse_gives(username):
    event = uuid.uuid4()
    assert row_url("events:detail", event) == reverse("events:detail", args=[event])
    assert row_url("profiles:profile", username) == reverse("profiles:profile", args=[username])
    assert row_url("profiles:host", username) == reverse("profiles:host", args=[username])


def test_a_row_url_follows_the_script_prefix():
    event = uuid.uuid4()
    row_url("events:detail", event)  # made under "/"
    set_script_prefix("/sub/")
    try:
        assert row_url("events:detail", event) == f"/sub/events/{event}/"
    finally:
        set_script_prefix("/")
    assert row_url("events:detail", event) == f"/events/{event}/"


@pytest.mark.parametrize(
    "viewname",
    ["events:accept", "events:decline", "events:waitlist", "events:cancel-seat", "events:guests"],
)
def test_the_row_url_tag_writes_what_the_url_tag_writes(viewname):
    value = uuid.uuid4()
    context = Context({"value": value, "name": viewname})
    ours = Template("{% load rows %}{% row_url name value %}").render(context)
    assert ours == Template("{% url name value %}").render(context)
    assert ours == reverse(viewname, args=[value])


def test_the_row_url_tag_escapes_like_the_url_tag():
    context = Context({"value": "o'neil&co"})
    ours = Template("{% load rows %}{% row_url 'profiles:profile' value %}").render(context)
    assert ours == Template("{% url 'profiles:profile' value %}").render(context)
    assert "&amp;" in ours
