from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from goldenthread.audit.models import AuditEvent
from tests.support.personas import PASSWORD, persona_make

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:sign-in")
SET_UP = reverse("accounts:two-factor-set-up")
VERIFY = reverse("accounts:two-factor-verify")
HOME = reverse("web:home")


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits, t0=device.t0 - offset * 30):06d}"


def _actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


def test_sign_in_first_time_requires_enrolment_before_anything_else() -> None:
    person = persona_make("social_worker", enrolled=False)
    TOTPDevice.objects.filter(user=person.user).delete()
    client = Client()
    response = client.post(SIGN_IN, {"username": "social_worker", "password": PASSWORD})
    assert response.status_code == 302 and response.url == SET_UP
    # Half signed in: the home page is not reachable, only enrolment.
    assert client.get(HOME).url == VERIFY
    assert client.get(VERIFY).url == SET_UP
    page = client.get(SET_UP)
    assert page.status_code == 200
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=person.user)
    assert not device.confirmed
    response = client.post(SET_UP, {"token": _code(device)})
    assert response.status_code == 302 and response.url == HOME
    assert client.get(HOME).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert _actions()[-3:] == ["auth.password_accepted", "auth.second_factor_enrolled", "auth.signed_in"]


def test_sign_in_enrolment_wrong_code_shows_error_and_stays_unconfirmed() -> None:
    person = persona_make("social_worker", enrolled=False)
    TOTPDevice.objects.filter(user=person.user).delete()
    client = Client()
    client.post(SIGN_IN, {"username": "social_worker", "password": PASSWORD})
    client.get(SET_UP)
    response = client.post(SET_UP, {"token": "12345"})
    assert b"must be 6 digits" in response.content
    assert b"There is a problem" in response.content
    assert not TOTPDevice.objects.get(user=person.user).confirmed


def test_sign_in_enrolled_user_verifies_second_factor() -> None:
    person = persona_make("police_officer")
    client = Client()
    response = client.post(SIGN_IN, {"username": "police_officer", "password": PASSWORD})
    assert response.url == VERIFY
    bad = "000000" if person.current_token() != "000000" else "111111"
    response = client.post(VERIFY, {"token": bad})
    assert response.status_code == 200 and b"not right" in response.content
    assert client.get(HOME).status_code == 302
    # The throttle slows guessing after a failure, so wait out its one-second delay explicitly.
    TOTPDevice.objects.filter(pk=person.device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    response = client.post(VERIFY, {"token": person.current_token()})
    assert response.url == HOME
    assert client.get(HOME).status_code == 200
    assert "auth.signed_in" in _actions()
    assert _actions().count("auth.sign_in_failed") == 1


def test_sign_in_next_parameter_is_followed_only_on_this_site() -> None:
    person = persona_make("ig_officer")
    client = Client()
    client.post(SIGN_IN + "?next=/audit/", {"username": "ig_officer", "password": PASSWORD})
    assert client.post(VERIFY, {"token": person.current_token()}).url == "/audit/"
    other = persona_make("manager")
    client = Client()
    client.post(SIGN_IN + "?next=https://evil.example/", {"username": "manager", "password": PASSWORD})
    assert client.post(VERIFY, {"token": other.current_token()}).url == HOME


def test_sign_in_next_that_is_not_a_path_goes_home(persona: Any) -> None:
    person = persona("manager")
    client = Client()
    client.post(SIGN_IN + "?next=tasks", {"username": "manager", "password": PASSWORD})
    assert client.post(VERIFY, {"token": person.current_token()}).url == HOME


def test_second_factor_gives_a_new_session_key(persona: Any) -> None:
    person = persona("ig_officer")
    client = Client()
    client.post(SIGN_IN, {"username": "ig_officer", "password": PASSWORD})
    before = client.session.session_key
    client.post(VERIFY, {"token": person.current_token()})
    assert client.session.session_key != before
    assert client.get(HOME).status_code == 200


def test_sign_in_wrong_password_gives_clear_error_and_audits_failure() -> None:
    persona_make("school_dsl")
    response = Client().post(SIGN_IN, {"username": "school_dsl", "password": "wrong-password-here"})
    assert response.status_code == 200
    assert b"The username or password is not right" in response.content
    failed = AuditEvent.objects.get(action="auth.sign_in_failed")
    assert failed.actor_username == "school_dsl"
    assert failed.details == {"reason": "bad_credentials"}


def test_sign_in_unknown_username_is_not_written_to_the_log() -> None:
    Client().post(SIGN_IN, {"username": "my-secret-password", "password": "x"})
    failed = AuditEvent.objects.get(action="auth.sign_in_failed")
    assert failed.actor_username == "unknown"
    assert "my-secret-password" not in str(failed.details)


def test_sign_in_empty_form_names_each_missing_field() -> None:
    response = Client().post(SIGN_IN, {})
    assert b"Enter your username" in response.content
    assert b"Enter your password" in response.content


def test_sign_in_repeated_failures_lock_the_account_with_a_clear_message(settings: Any) -> None:
    persona_make("health_visitor")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(SIGN_IN, {"username": "health_visitor", "password": "not-the-password"})
    # Even the right password is refused now.
    response = client.post(SIGN_IN, {"username": "health_visitor", "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many attempts to sign in" in response.content
    assert b"paused for 15 minutes" in response.content
    assert b"security code from your authenticator app together" in response.content


def test_sign_in_repeated_failures_from_one_address_lock_other_accounts_too(settings: Any) -> None:
    persona_make("health_visitor")
    client = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post(SIGN_IN, {"username": f"guess-{i}", "password": "nope"})
    response = client.post(SIGN_IN, {"username": "health_visitor", "password": PASSWORD})
    assert response.status_code == 429
    # Another address is unaffected.
    other = Client(REMOTE_ADDR="198.51.100.7").post(
        SIGN_IN, {"username": "health_visitor", "password": PASSWORD}
    )
    assert other.status_code == 302


def test_sign_in_attempts_during_lockout_are_audited(settings: Any, persona: Any) -> None:
    persona("school_dsl")
    client = Client()
    attempts = settings.AXES_FAILURE_LIMIT + 3
    for _ in range(attempts):
        client.post(SIGN_IN, {"username": "school_dsl", "password": "wrong-password-here"})
    reasons = [e.details["reason"] for e in AuditEvent.objects.filter(action="auth.sign_in_failed")]
    assert len(reasons) == attempts
    assert reasons.count("locked_out") >= 3


def test_sign_in_valid_password_does_not_clear_address_counter(settings: Any, persona: Any) -> None:
    persona("manager")
    client = Client(REMOTE_ADDR="203.0.113.50")
    for round_ in range(3):
        for i in range(settings.AXES_FAILURE_LIMIT - 2):
            client.post(SIGN_IN, {"username": f"victim-{round_}-{i}", "password": "guess"})
        client.post(SIGN_IN, {"username": "manager", "password": PASSWORD})
        client.post(reverse("accounts:sign-out"))
    response = client.post(SIGN_IN, {"username": "someone", "password": "guess"})
    assert response.status_code == 429


def test_sign_in_without_membership_is_refused() -> None:
    persona_make("outsider")
    response = Client().post(SIGN_IN, {"username": "outsider", "password": PASSWORD})
    assert response.status_code == 200
    assert b"not a member of any agency" in response.content
    assert AuditEvent.objects.filter(action="auth.sign_in_refused").exists()


def test_sign_in_deactivated_user_is_refused() -> None:
    person = persona_make("manager")
    person.user.is_active = False
    person.user.save()
    response = Client().post(SIGN_IN, {"username": "manager", "password": PASSWORD})
    assert b"The username or password is not right" in response.content


def test_sign_out_ends_session_and_is_audited(signed_in: Any) -> None:
    client = signed_in("manager")
    assert client.get(HOME).status_code == 200
    response = client.post(reverse("accounts:sign-out"))
    assert response.url == SIGN_IN
    assert client.get(HOME).status_code == 302
    assert AuditEvent.objects.filter(action="auth.signed_out", actor_username="manager").exists()


def test_sign_in_page_has_no_crown_or_transport_font() -> None:
    html = Client().get(SIGN_IN).content.decode()
    assert "Golden Thread" in html
    assert "GDS Transport" not in html
    assert "crown" not in html.lower()
    assert re.search(r'href="#main-content"', html)


UNLOCK = reverse("accounts:unlock")


def _lock(client: Client, settings: Any, username: str = "health_visitor") -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(SIGN_IN, {"username": username, "password": "not-the-password"})
    assert client.post(SIGN_IN, {"username": username, "password": PASSWORD}).status_code == 429


def test_sign_in_locked_account_passed_by_its_holder_with_password_and_code(settings: Any) -> None:
    visitor = persona_make("health_visitor")
    client = Client()
    _lock(client, settings)
    response = client.post(
        UNLOCK, {"username": "health_visitor", "password": PASSWORD, "token": _code(visitor.device)}
    )
    assert response.status_code == 302 and response.url == HOME
    assert client.get(HOME).status_code == 200
    event = AuditEvent.objects.filter(action="auth.signed_in").get()
    assert event.details == {"reason": "unlocked_with_second_factor"}
    # The account's own counter is cleared: a password alone works again from the next sign-in.
    assert Client().post(SIGN_IN, {"username": "health_visitor", "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize("wrong", ["password", "token"])
def test_sign_in_locked_account_unlock_with_one_detail_wrong_refused_alike(settings: Any, wrong: str) -> None:
    visitor = persona_make("health_visitor")
    client = Client()
    _lock(client, settings)
    data = {"username": "health_visitor", "password": PASSWORD, "token": _code(visitor.device)}
    data[wrong] = _code(visitor.device, offset=10) if wrong == "token" else "not-the-password"
    page = client.post(UNLOCK, data).content.decode()
    assert "Those details are not right" in page
    assert client.get(HOME).status_code == 302  # still not signed in
    assert AuditEvent.objects.filter(action="auth.sign_in_failed", details__reason="unlock_refused").exists()


def test_sign_in_address_lock_from_shared_office_passed_by_a_colleague_with_code(settings: Any) -> None:
    visitor = persona_make("health_visitor")
    office = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(settings.AXES_FAILURE_LIMIT):
        office.post(SIGN_IN, {"username": f"guess-{i}", "password": "nope"})
    assert office.post(SIGN_IN, {"username": "health_visitor", "password": PASSWORD}).status_code == 429
    response = office.post(
        UNLOCK, {"username": "health_visitor", "password": PASSWORD, "token": _code(visitor.device)}
    )
    assert response.status_code == 302 and response.url == HOME


def test_sign_in_unlock_needs_an_enrolled_second_factor(settings: Any) -> None:
    newcomer = persona_make("health_visitor", enrolled=False)
    client = Client()
    _lock(client, settings)
    response = client.post(
        UNLOCK, {"username": "health_visitor", "password": PASSWORD, "token": _code(newcomer.device)}
    )
    assert "Those details are not right" in response.content.decode()
