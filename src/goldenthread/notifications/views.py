from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from goldenthread.agencies.permissions import Permission
from goldenthread.core.permissions import permission_required
from goldenthread.core.request import AgencyRequest
from goldenthread.notifications import actions, selectors

PAGE_SIZE = 25


@require_GET
@permission_required(Permission.USE_SERVICE)
def notification_list(request: AgencyRequest) -> HttpResponse:
    page = Paginator(selectors.notifications_all(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page": page})


@require_GET
@permission_required(Permission.USE_SERVICE)
def notification_open(request: AgencyRequest, notification_id: int) -> HttpResponse:
    try:
        note = actions.notification_open(notification_id=notification_id, by=request.actor)
    except actions.NotificationError:
        return render(request, "web/404.html", status=404)
    return redirect(note.url or "notifications:list")


@require_POST
@permission_required(Permission.USE_SERVICE)
def notifications_read_all(request: AgencyRequest) -> HttpResponse:
    actions.notifications_mark_all_read(by=request.actor)
    return redirect("notifications:list")
