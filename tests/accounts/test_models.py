import pytest
from django.db import IntegrityError
from django.urls import reverse

from accounts.factories import UserFactory, UserInternalMetricsFactory
from accounts.models import User, UserInternalMetrics
from tests.queries import assert_same_queries_for_few_and_many

pytestmark = pytest.mark.django_db


def test_every_new_user_gets_internal_metrics_however_created():
    by_factory = UserFactory()
    by_manager = User.objects.create_user(email="m@example.com", username="m", password="x")
    by_superuser = User.objects.create_superuser(email="s@example.com", username="s", password="x")
    assert (
        UserInternalMetrics.objects.filter(user__in=[by_factory, by_manager, by_superuser]).count()
        == 3
    )


def test_user_ids_are_uuids_and_email_is_the_login():
    user = UserFactory()
    assert len(str(user.pk)) == 36
    assert User.USERNAME_FIELD == "email"


def test_emails_are_unique_whatever_their_case():
    UserFactory(email="Same@Example.com")
    with pytest.raises(IntegrityError):
        User.objects.create(email="same@example.com", username="other")


def test_usernames_are_unique_whatever_their_case():
    UserFactory(username="Alice")
    with pytest.raises(IntegrityError):
        User.objects.create(email="a2@example.com", username="alice")


def test_payment_customer_ids_are_unique_when_set():
    UserFactory(payment_customer_id="")
    UserFactory(payment_customer_id="")
    UserFactory(payment_customer_id="cus_123")
    with pytest.raises(IntegrityError):
        UserFactory(payment_customer_id="cus_123")


def test_internal_metrics_factory_sets_values_on_the_existing_row():
    metrics = UserInternalMetricsFactory(absentee_rating=0.4)
    assert UserInternalMetrics.objects.get(user=metrics.user).absentee_rating == 0.4


def test_staff_console_shows_users_and_internal_metrics(client, staff, user):
    client.force_login(staff)
    for url in [
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_change", args=[user.pk]),
        reverse("admin:accounts_user_add"),
        reverse("admin:accounts_userinternalmetrics_changelist"),
        reverse("admin:accounts_userinternalmetrics_change", args=[user.pk]),
    ]:
        assert client.get(url).status_code == 200, url
    response = client.get(reverse("admin:accounts_user_changelist"), {"q": "alice"})
    assert "alice@example.com" in response.content.decode()


def test_staff_can_add_a_user_in_the_console(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "added@example.com",
            "username": "added",
            "password1": "a-long-Passphrase-42",
            "password2": "a-long-Passphrase-42",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    added = User.objects.get(email="added@example.com")
    assert UserInternalMetrics.objects.filter(user=added).exists()


def test_the_console_is_closed_to_participants(client, user):
    client.force_login(user)
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302
    assert "login" in response.url


@pytest.mark.parametrize(
    "url_name", ["admin:accounts_user_changelist", "admin:accounts_userinternalmetrics_changelist"]
)
def test_console_lists_run_the_same_number_of_queries_for_2_and_20_users(
    client, staff, url_name, django_assert_num_queries
):
    client.force_login(staff)  # staff is one of the 2 users
    assert_same_queries_for_few_and_many(
        client,
        reverse(url_name),
        make=lambda n: UserFactory.create_batch(n - 1 if n == 2 else n),
        assert_num_queries=django_assert_num_queries,
    )
