"""Every form in the service, drawn with its errors, wires its hints and errors to ids that are on the page.

A screen reader announces a control's hint and error only through aria-describedby; an id that is not on
the page is silently ignored (issue 12 found id_x_helptext pointing at nothing on seven forms). Each case
below sends a form that is wrong, then checks the page: every aria-describedby id and every label's `for`
exists, each error summary link lands on a control, every visible control has a label and GOV.UK styling
(issue 12 found the sign-in and account forms drawn as bare browser inputs), and the page
shows at least one error (so a case that stopped showing errors cannot pass by showing nothing).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from goldenthread.accounts.setup_tokens import setup_link_path
from goldenthread.agencies.models import Membership
from goldenthread.core.actor import Actor
from goldenthread.core.forms import DateField, PartialDateField
from goldenthread.people.models import MatchReview
from goldenthread.sharing.actions import advice_request_create
from tests.integration.people_support import AMELIA, import_rows, record, row
from tests.support.personas import PASSWORD, persona_make
from tests.support.sharing import BRUISING_ANSWERS, decision_make

pytestmark = pytest.mark.django_db

CONTROLS = {"input", "select", "textarea"}
NOT_LABELLED = {"hidden", "submit", "button"}
# govuk-input, govuk-select, govuk-textarea, govuk-radios__input, govuk-checkboxes__input, govuk-file-upload
GOVUK_CONTROL = "govuk-"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.described_by: list[str] = []
        self.label_for: list[str] = []
        self.controls: list[tuple[str, str]] = []  # (tag, id) of controls a person fills in
        self.summary_links: list[str] = []
        self.error_messages = 0
        self.unstyled: list[str] = []  # controls drawn as bare browser inputs
        self._in_summary = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if a.get("id"):
            self.ids.append(a["id"])
        self.described_by += a.get("aria-describedby", "").split()
        if tag == "label" and a.get("for"):
            self.label_for.append(a["for"])
        if tag in CONTROLS and a.get("type", "") not in NOT_LABELLED:
            self.controls.append((tag, a.get("id", "")))
            if not any(c.startswith(GOVUK_CONTROL) for c in a.get("class", "").split()):
                self.unstyled.append(a.get("id", tag))
        classes = a.get("class", "").split()
        if "govuk-error-summary" in classes:
            self._in_summary = 1
        elif self._in_summary and tag == "div":
            self._in_summary += 1
        if self._in_summary and tag == "a" and a.get("href", "").startswith("#"):
            self.summary_links.append(a["href"][1:])
        if "govuk-error-message" in classes or "govuk-error-summary" in classes:
            self.error_messages += 1

    def handle_endtag(self, tag: str) -> None:
        if self._in_summary and tag == "div":
            self._in_summary -= 1


def wiring_problems(html: str) -> list[str]:
    """What on the page points at nothing; empty when every reference lands."""
    page = _Page()
    page.feed(html)
    ids = set(page.ids)
    problems = [f"aria-describedby names #{i}, not on the page" for i in page.described_by if i not in ids]
    problems += [f"a label is for #{i}, not on the page" for i in page.label_for if i not in ids]
    problems += [f"id {i} is used twice" for i in sorted(ids) if page.ids.count(i) > 1]
    controls = {i for _, i in page.controls}
    problems += [
        f"the error summary links to #{i}, not a control" for i in page.summary_links if i not in controls
    ]
    problems += [f"a {tag} has no label (id {i!r})" for tag, i in page.controls if i not in page.label_for]
    problems += [f"#{i} is a bare browser control, not GOV.UK styled" for i in page.unstyled]
    if not page.error_messages:
        problems.append("no error message on the page")
    return problems


def _sign_in_partly(client: Client, username: str) -> Client:
    client.post(reverse("accounts:sign-in"), {"username": username, "password": PASSWORD})
    return client


def _walk_guide(client: Client) -> None:
    client.post("/sharing/guide/start/", {"child": ""})
    for step, answer in BRUISING_ANSWERS.items():
        client.post(f"/sharing/guide/questions/{step}/", {"answer": answer})


def _search(client: Client, data: dict[str, str]) -> Any:
    # Search answers a POST today; read by GET it is sent the same fields in the query.
    response = client.post(reverse("people:search"), data)
    return client.get(reverse("people:search"), data) if response.status_code == 405 else response


def _signed(name: str) -> Client:
    from tests.support.personas import client_signed_in

    return client_signed_in(persona_make(name))


def case_sign_in() -> Any:
    return Client().post(reverse("accounts:sign-in"), {})


def case_unlock() -> Any:
    return Client().post(reverse("accounts:unlock"), {})


def case_two_factor_verify() -> Any:
    persona_make("social_worker")
    client = _sign_in_partly(Client(), "social_worker")
    return client.post(reverse("accounts:two-factor-verify"), {"token": "12"})


def case_two_factor_set_up() -> Any:
    persona_make("social_worker", enrolled=False)
    client = _sign_in_partly(Client(), "social_worker")
    return client.post(reverse("accounts:two-factor-set-up"), {"token": ""})


def case_password_change() -> Any:
    return _signed("social_worker").post(reverse("accounts:password-change"), {})


def case_set_up_link() -> Any:
    newcomer = persona_make("social_worker", enrolled=False)
    return Client().post(setup_link_path(newcomer.user), {"password": "short", "confirm": "other"})


def case_search_empty_purpose() -> Any:
    return _search(_signed("social_worker"), {"family_name": "Okafor"})


def case_search_impossible_date() -> Any:
    data = {
        "date_of_birth_day": "31",
        "date_of_birth_month": "2",
        "date_of_birth_year": "2015",
        "purpose": "",
    }
    return _search(_signed("social_worker"), data)


def case_purpose() -> Any:
    client = _signed("social_worker")
    import_rows("health", [AMELIA])
    return client.post(reverse("people:purpose", args=[record("health", "H-1").person_id]), {"purpose": ""})


def case_import() -> Any:
    return _signed("ig_officer").post(reverse("people:import"), {"file": ""})


def case_review() -> Any:
    client = _signed("ig_officer")
    import_rows("health", [AMELIA])
    import_rows("test-csc", [row(local_id="CSC-5", date_of_birth="", nhs_number="", sex="")])
    return client.post(reverse("people:review", args=[MatchReview.objects.get().pk]), {"decision": ""})


def case_break_glass() -> Any:
    client = _signed("school_dsl")
    import_rows("health", [AMELIA])
    return client.post(
        reverse("people:break-glass", args=[record("health", "H-1").person_id]), {"reason": ""}
    )


def case_guide_question() -> Any:
    client = _signed("social_worker")
    client.post("/sharing/guide/start/", {"child": ""})
    return client.post(f"/sharing/guide/questions/{next(iter(BRUISING_ANSWERS))}/", {})


def case_guide_age() -> Any:
    client = _signed("social_worker")
    client.post("/sharing/guide/start/", {"child": ""})
    return client.post("/sharing/guide/questions/age/", {"answer": "old"})


def case_guide_checkboxes() -> Any:
    client = _signed("social_worker")
    client.post("/sharing/guide/start/", {"child": ""})
    return client.post("/sharing/guide/questions/indicators/", {"answer": ["none", "serious_crime"]})


def case_decision() -> Any:
    client = _signed("social_worker")
    _walk_guide(client)
    return client.post(reverse("sharing:decision-new"), {})


def case_advice_new() -> Any:
    return _signed("social_worker").post(reverse("sharing:advice-new"), {})


def case_advice_answer() -> Any:
    asker = persona_make("social_worker")
    advice = advice_request_create(
        agency=asker.agency,
        by=Actor.of(asker.user, asker.agency),
        adviser_role="ig_officer",
        question="May I share a 7-year-old's injuries with CSC without asking the parent?",
        anonymised=True,
    )
    return _signed("ig_officer").post(reverse("sharing:advice", args=[advice.pk]), {"answer": " "})


def case_endorse_own() -> Any:
    manager = persona_make("manager")
    decision = decision_make(manager)
    from tests.support.personas import client_signed_in

    return client_signed_in(manager).post(reverse("sharing:decision-endorse", args=[decision.pk]), {})


def case_account_notifications() -> Any:
    return _signed("social_worker").post(reverse("accounts:account"), {})


def case_user_new() -> Any:
    return _signed("system_administrator").post(reverse("agencies:user-new"), {"email": "not-an-address"})


def case_user_membership() -> Any:
    client = _signed("system_administrator")
    other = persona_make("social_worker")
    return client.post(reverse("agencies:user", args=[other.user.pk]), {})


def case_membership_end() -> Any:
    client = _signed("system_administrator")
    other = persona_make("social_worker")
    membership = Membership.objects.get(user=other.user)
    return client.post(reverse("agencies:membership-end", args=[membership.pk]), {})


def case_agency_new() -> Any:
    return _signed("system_administrator").post(reverse("agencies:agency-new"), {})


CASES: dict[str, Callable[[], Any]] = {
    name.removeprefix("case_"): value
    for name, value in dict(globals()).items()
    if name.startswith("case_") and callable(value)
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_form_page_with_errors_points_only_at_ids_on_the_page(case: str) -> None:
    response = CASES[case]()
    assert response.status_code in (200, 400), (case, response.status_code)
    assert wiring_problems(response.content.decode()) == []


def test_wiring_problems_finds_a_hint_id_that_is_not_on_the_page() -> None:
    html = (
        '<label for="id_x">X</label><p class="govuk-error-message" id="id_x-error">Wrong</p>'
        '<input class="govuk-input" id="id_x" aria-describedby="id_x_helptext id_x-error">'
    )
    assert wiring_problems(html) == ["aria-describedby names #id_x_helptext, not on the page"]


def test_wiring_problems_finds_a_bare_browser_input() -> None:
    html = (
        '<p class="govuk-error-message">Enter your username</p><label for="id_u">U</label><input id="id_u">'
    )
    assert wiring_problems(html) == ["#id_u is a bare browser control, not GOV.UK styled"]


def test_wiring_problems_finds_a_summary_link_to_a_radio_group_without_that_id() -> None:
    html = (
        '<div class="govuk-error-summary"><div><ul><li><a href="#id_choice">Choose</a></li></ul></div></div>'
        '<p class="govuk-error-message">Choose</p>'
        '<input class="govuk-radios__input" type="radio" id="id_choice_0"><label for="id_choice_0">A</label>'
    )
    assert wiring_problems(html) == ["the error summary links to #id_choice, not a control"]


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "2015", "The date of birth must be a real date"),
        ("", "", "", "Enter the date of birth"),
        ("3", "", "2015", "The date of birth must include a month"),
        ("3", "x", "2015", "The date of birth must be a real date, in numbers: the month is not a number"),
        ("3", "4", "15", "The year must include 4 numbers"),
    ],
)
def test_date_field_wrong_date_gives_a_specific_error(day: str, month: str, year: str, message: str) -> None:
    field = DateField(what="the date of birth")
    with pytest.raises(Exception) as raised:
        field.clean([day, month, year])
    assert message in " ".join(raised.value.messages)  # type: ignore[attr-defined]


def test_date_field_whole_date_cleans_to_a_date() -> None:
    assert DateField().clean(["29", "2", "2016"]) == datetime.date(2016, 2, 29)


@pytest.mark.parametrize(
    ("parts", "text"),
    [
        (["27", "3", "2015"], "2015-03-27"),
        (["", "3", "2015"], "2015-03"),
        (["", "", "2015"], "2015"),
        (["", "", ""], ""),
    ],
)
def test_partial_date_field_half_remembered_date_cleans_to_its_text(parts: list[str], text: str) -> None:
    assert PartialDateField(required=False).clean(parts) == text


def test_guide_question_of_several_answers_drawn_as_checkboxes_with_none_exclusive() -> None:
    html = case_guide_checkboxes().content.decode()
    assert html.count('type="checkbox"') >= 5 and 'type="radio"' not in html
    assert re.search(r'value="none"[^>]* data-behaviour="exclusive"', html)
