"""Error pages look like the service: 403, 404, 405 (Django's own is an empty page) and 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from goldenthread.web.views import server_error

pytestmark = pytest.mark.django_db

STYLESHEET = "goldenthread/app.css"


def test_method_not_allowed_shows_the_services_page_and_keeps_allow(signed_in: Any) -> None:
    response = signed_in("social_worker").get(reverse("web:switch-agency"))
    page = response.content.decode()
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert "This page cannot be used that way" in page and STYLESHEET in page
    assert 'data-testid="acting-agency"' in page  # the service's header, signed in


def test_method_not_allowed_signed_out_shows_the_services_page() -> None:
    response = Client().put(reverse("accounts:sign-in"))
    assert response.status_code == 405
    assert "This page cannot be used that way" in response.content.decode()


def test_not_found_shows_the_services_page(signed_in: Any) -> None:
    response = signed_in("social_worker").get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page and STYLESHEET in page and "Go to your home page" in page


def test_forbidden_shows_the_services_page(signed_in: Any) -> None:
    response = signed_in("social_worker").get(reverse("agencies:users"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "You do not have access to this page" in page and STYLESHEET in page


def test_server_error_page_styled_and_drawn_without_the_database(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page and STYLESHEET in page
    assert 'class="govuk-header"' in page and "Nothing you entered has been saved" in page
