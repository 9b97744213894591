from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from goldenthread.accounts.session_policy import AGENCY_ID
from goldenthread.agencies.permissions import Permission
from goldenthread.core.permissions import forbidden, permission_required
from goldenthread.core.request import AgencyRequest
from goldenthread.core.worklist import worklist_for
from goldenthread.notifications.selectors import notifications_unread


@require_GET
@permission_required(Permission.USE_SERVICE)
def home(request: AgencyRequest) -> HttpResponse:
    items = worklist_for(user=request.user, agency=request.agency)
    notes = notifications_unread(user=request.user, limit=10)
    return render(request, "web/home.html", {"worklist": items, "notifications": notes})


@require_POST
@permission_required(Permission.USE_SERVICE)
def switch_agency(request: AgencyRequest) -> HttpResponse:
    wanted = request.POST.get("agency", "")
    memberships = request.memberships
    match = next((m for m in memberships if str(m.agency_id) == wanted), None)
    if match is None:
        return forbidden(request, "You are not a member of that agency.")
    request.session[AGENCY_ID] = match.agency_id
    return redirect("web:home")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "web/404.html", status=404)


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return forbidden(request)


def server_error(request: HttpRequest) -> HttpResponse:
    # Drawn without the request's context: whatever failed (the database, a middleware) is not asked again.
    page = loader.get_template("web/500.html").render({"service_name": settings.SERVICE_NAME})
    return HttpResponse(page, status=500)
