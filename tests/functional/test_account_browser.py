"""A practitioner chooses, on their account page, to be emailed when something is waiting for them."""

from __future__ import annotations

from typing import Any

import pytest

from goldenthread.notifications.models import EmailChoice
from tests.functional.test_child_index_browser import _sign_in
from tests.support.personas import persona_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_browser_account_page_choose_email_then_in_app_only(
    live_server: Any, page: Any, settings: Any
) -> None:
    settings.NOTIFICATION_EMAIL = "django"
    worker = persona_make("social_worker")
    _sign_in(page, live_server.url, worker)
    page.get_by_role("link", name="Your account").click()
    page.wait_for_url("**/accounts/")
    assert page.get_by_test_id("account-email").inner_text() == "social_worker@test.example"
    assert page.get_by_label("In Golden Thread only").is_checked()  # the default
    page.set_viewport_size({"width": 320, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1200, "height": 900})

    page.get_by_label("By email, as well as in Golden Thread").check()
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("You will be told by email and in Golden Thread").is_visible()
    assert EmailChoice.objects.get(user=worker.user).by_email is True

    page.get_by_label("In Golden Thread only").check()
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("You will be told in Golden Thread only").is_visible()
    assert EmailChoice.objects.get(user=worker.user).by_email is False
