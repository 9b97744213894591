"""Notifications by email: queued after commit for those who chose it, sent by the worker once, retried on a
failure, through Django's email backend or GOV.UK Notify (its official client against a local stand-in)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from notifications_python_client.authentication import decode_jwt_token, get_token_issuer

from goldenthread.audit.models import AuditEvent
from goldenthread.core.actor import Actor
from goldenthread.notifications.actions import (
    NotificationError,
    notification_email_choose,
    notification_email_send,
    notification_open,
    notify,
)
from goldenthread.notifications.email import SUBJECT
from goldenthread.notifications.models import EmailChoice, Notification
from goldenthread.notifications.tasks import notification_email
from tests.support.personas import client_signed_in
from tests.support.worker import run_queue

pytestmark = pytest.mark.django_db

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"


def _by(persona: Any) -> Actor:
    return Actor.of(persona.user, persona.agency)


@pytest.fixture(autouse=True)
def _email_settings(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATION_EMAIL = "django"
    settings.NOTIFICATION_EMAIL_DEFAULT = False
    settings.BASE_URL = "https://goldenthread.example.org"
    settings.TASK_ATTEMPTS, settings.TASK_RETRY_SECONDS = 3, 0


@dataclass
class NotifyStandIn:
    """A tiny HTTP server answering as GOV.UK Notify's API would; it keeps every request it was sent."""

    url: str
    statuses: list[int]  # the answer to each request in turn; 201 once the list runs out
    requests: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def notify_api(settings: Any) -> Iterator[NotifyStandIn]:
    stand_in = NotifyStandIn(url="", statuses=[])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            stand_in.requests.append(
                {"path": self.path, "headers": dict(self.headers), "json": json.loads(body)}
            )
            status = stand_in.statuses.pop(0) if stand_in.statuses else 201
            if status == 201:
                answer: dict[str, Any] = {"id": "740e5834-3a29-46b4-9a6f-16142fde533a", "content": {}}
            else:
                answer = {"status_code": status, "errors": [{"error": "Error", "message": "no"}]}
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stand_in.url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.NOTIFICATION_EMAIL = "notify"
    settings.NOTIFY_BASE_URL = stand_in.url
    settings.NOTIFY_API_KEY = f"golden_thread_test-{SERVICE_ID}-{SECRET}"
    settings.NOTIFY_TEMPLATE_ID = TEMPLATE_ID
    try:
        yield stand_in
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _notify_one(persona: Any, capture: Any, *, key: str = "") -> Notification:
    with capture(execute=True):
        (note,) = notify(
            recipients=[persona.user],
            kind="advice.answered",
            message="Advice you asked for was answered",
            url="/sharing/",
            key=key,
            by=_by(persona),
        )
    return note


def test_email_channel_queues_only_for_those_who_chose_email(
    persona: Any, django_capture_on_commit_callbacks: Any
) -> None:
    worker, dsl = persona("social_worker"), persona("school_dsl")
    notification_email_choose(by_email=True, by=_by(worker))
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[worker.user, dsl.user], kind="x.y", message="Changed", by=_by(dsl))
    queued = DBTaskResult.objects.get()
    mine = Notification.objects.get(recipient=worker.user)
    assert queued.task_path.endswith("notification_email")
    assert queued.args_kwargs["kwargs"] == {"notification_id": mine.pk}


def test_email_through_django_backend_says_only_kind_and_link(
    persona: Any, django_capture_on_commit_callbacks: Any
) -> None:
    worker = persona("social_worker")
    notification_email_choose(by_email=True, by=_by(worker))
    note = _notify_one(worker, django_capture_on_commit_callbacks)
    run_queue()
    (sent,) = mail.outbox
    assert (sent.subject, sent.to) == (SUBJECT, ["social_worker@test.example"])
    assert "What happened: Advice answered" in sent.body
    assert f"https://goldenthread.example.org/notifications/{note.pk}/" in sent.body
    assert "Advice you asked for" not in sent.body  # not even the in-app message's words
    note.refresh_from_db()
    assert note.emailed_at is not None
    event = AuditEvent.objects.get(action="notification.emailed")
    assert (event.object_id, event.details["via"]) == (str(note.pk), "django")
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_email_task_run_twice_emails_once(persona: Any) -> None:
    worker = persona("social_worker")
    notification_email_choose(by_email=True, by=_by(worker))
    (note,) = notify(recipients=[worker.user], kind="x.y", message="Changed", by=_by(worker))
    # Queued twice past enqueue_once (a retry after a worker died, a second channel call): one email.
    notification_email.enqueue(notification_id=note.pk)
    notification_email.enqueue(notification_id=note.pk)
    run_queue()
    assert len(mail.outbox) == 1
    assert [r.return_value for r in DBTaskResult.objects.order_by("enqueued_at")] == [
        "emailed",
        "already emailed",
    ]
    assert AuditEvent.objects.filter(action="notification.emailed").count() == 1


def test_email_not_sent_to_a_person_who_chose_in_app_only(persona: Any, settings: Any) -> None:
    worker = persona("social_worker")
    settings.NOTIFICATION_EMAIL_DEFAULT = True  # the partnership emails by default; this person said no
    notification_email_choose(by_email=False, by=_by(worker))
    (note,) = notify(recipients=[worker.user], kind="x.y", message="Changed", by=_by(worker))
    assert notification_email_send(notification_id=note.pk, by=Actor.system()) == "in-app only"
    assert mail.outbox == []
    note.refresh_from_db()
    assert note.emailed_at is None


def test_email_default_follows_the_configured_default(persona: Any, settings: Any) -> None:
    worker = persona("social_worker")
    (note,) = notify(recipients=[worker.user], kind="x.y", message="Changed", by=_by(worker))
    assert notification_email_send(notification_id=note.pk, by=Actor.system()) == "in-app only"
    settings.NOTIFICATION_EMAIL_DEFAULT = True
    assert notification_email_send(notification_id=note.pk, by=Actor.system()) == "emailed"
    assert len(mail.outbox) == 1


def test_email_off_queues_and_sends_nothing(
    persona: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    worker = persona("social_worker")
    notification_email_choose(by_email=True, by=_by(worker))
    settings.NOTIFICATION_EMAIL = "off"
    note = _notify_one(worker, django_capture_on_commit_callbacks)
    assert not DBTaskResult.objects.exists()
    assert notification_email_send(notification_id=note.pk, by=Actor.system()) == "email is off"


def test_notify_adapter_request_made_by_the_official_client(
    persona: Any, notify_api: NotifyStandIn, django_capture_on_commit_callbacks: Any
) -> None:
    worker = persona("social_worker")
    notification_email_choose(by_email=True, by=_by(worker))
    note = _notify_one(worker, django_capture_on_commit_callbacks)
    run_queue()
    (request,) = notify_api.requests
    assert request["path"] == "/v2/notifications/email"
    assert request["json"] == {
        "email_address": "social_worker@test.example",
        "template_id": TEMPLATE_ID,
        "personalisation": {
            "kind": "Advice answered",
            "link": f"https://goldenthread.example.org/notifications/{note.pk}/",
        },
        "reference": f"gt-{note.pk}",
    }
    scheme, _, token = request["headers"]["Authorization"].partition(" ")
    assert scheme == "Bearer"
    assert get_token_issuer(token) == SERVICE_ID
    assert decode_jwt_token(token, SECRET) is True  # signed with the key's secret
    note.refresh_from_db()
    assert note.emailed_at is not None
    assert AuditEvent.objects.get(action="notification.emailed").details["via"] == "notify"


def test_notify_server_error_retried_then_sent_once(
    persona: Any, notify_api: NotifyStandIn, django_capture_on_commit_callbacks: Any
) -> None:
    worker = persona("social_worker")
    notification_email_choose(by_email=True, by=_by(worker))
    notify_api.statuses = [500, 503]
    note = _notify_one(worker, django_capture_on_commit_callbacks)
    run_queue()
    result = DBTaskResult.objects.get()
    assert (result.status, len(result.worker_ids)) == (TaskResultStatus.SUCCESSFUL, 3)
    assert len(notify_api.requests) == 3
    note.refresh_from_db()
    assert note.emailed_at is not None
    assert AuditEvent.objects.filter(action="notification.emailed").count() == 1


def test_notify_failing_every_attempt_leaves_it_unsent(
    persona: Any, notify_api: NotifyStandIn, django_capture_on_commit_callbacks: Any
) -> None:
    worker = persona("social_worker")
    notification_email_choose(by_email=True, by=_by(worker))
    notify_api.statuses = [500] * 5
    note = _notify_one(worker, django_capture_on_commit_callbacks)
    run_queue()
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED
    assert len(notify_api.requests) == 3  # TASK_ATTEMPTS
    note.refresh_from_db()
    assert note.emailed_at is None


def test_notify_refusal_fails_at_once_without_retry(
    persona: Any, notify_api: NotifyStandIn, django_capture_on_commit_callbacks: Any
) -> None:
    worker = persona("social_worker")
    notification_email_choose(by_email=True, by=_by(worker))
    notify_api.statuses = [400]  # a bad template or address: another attempt cannot mend it
    _notify_one(worker, django_capture_on_commit_callbacks)
    run_queue()
    result = DBTaskResult.objects.get()
    assert (result.status, len(notify_api.requests)) == (TaskResultStatus.FAILED, 1)
    assert "GOV.UK Notify refused the email" in result.traceback


def test_account_page_choice_saved_and_audited(persona: Any) -> None:
    worker = persona("social_worker")
    client = client_signed_in(worker)
    page = client.get(reverse("accounts:account"))
    assert 'value="in_app" checked' in page.content.decode()  # in-app only by default
    saved = client.post(reverse("accounts:account"), {"how": "email"})
    assert saved.status_code == 302
    assert EmailChoice.objects.get(user=worker.user).by_email is True
    event = AuditEvent.objects.get(action="notification.email_chosen")
    assert (event.actor_username, event.details) == ("social_worker", {"by_email": True})
    assert 'value="email" checked' in client.get(reverse("accounts:account")).content.decode()


@pytest.mark.parametrize(
    ("data", "problem"), [({}, "Choose how you want"), ({"how": "fax"}, "Choose by email")]
)
def test_account_page_bad_choice_clear_error_nothing_saved(
    persona: Any, data: dict[str, str], problem: str
) -> None:
    client = client_signed_in(persona("social_worker"))
    page = client.post(reverse("accounts:account"), data)
    assert page.status_code == 200 and problem in page.content.decode()
    # The error summary leads to the first option.
    assert 'href="#id_how"' in page.content.decode() and 'id="id_how"' in page.content.decode()
    assert not EmailChoice.objects.exists()
    assert not AuditEvent.objects.filter(action="notification.email_chosen").exists()


def test_email_choice_without_an_address_refused(persona: Any) -> None:
    worker = persona("social_worker")
    worker.user.email = ""
    worker.user.save(update_fields=["email"])
    with pytest.raises(NotificationError, match="no email address"):
        notification_email_choose(by_email=True, by=_by(worker))
    page = client_signed_in(worker).post(reverse("accounts:account"), {"how": "email"})
    assert "Your account has no email address" in page.content.decode()
    assert not EmailChoice.objects.exists()


def test_account_page_email_off_offers_no_choice(persona: Any, settings: Any) -> None:
    settings.NOTIFICATION_EMAIL = "off"
    page = client_signed_in(persona("social_worker")).get(reverse("accounts:account"))
    assert 'data-testid="email-off"' in page.content.decode() and 'name="how"' not in page.content.decode()


def test_email_not_sent_once_read_or_to_a_deactivated_account(persona: Any) -> None:
    worker, dsl = persona("social_worker"), persona("school_dsl")
    for who in (worker, dsl):
        notification_email_choose(by_email=True, by=_by(who))
    (read,) = notify(recipients=[worker.user], kind="x.y", message="Changed", by=_by(worker))
    notification_open(notification_id=read.pk, by=_by(worker))
    (gone,) = notify(recipients=[dsl.user], kind="x.y", message="Changed", by=_by(worker))
    dsl.user.is_active = False
    dsl.user.save(update_fields=["is_active"])
    assert notification_email_send(notification_id=read.pk, by=Actor.system()) == "already read"
    assert notification_email_send(notification_id=gone.pk, by=Actor.system()) == "no address"
    assert mail.outbox == []
