"""The decorator every protected view uses, so no view can forget its check."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from goldenthread.agencies.permissions import Permission
from goldenthread.agencies.selectors import user_has_permission

View = Callable[..., HttpResponse]


def forbidden(request: HttpRequest, message: str = "") -> HttpResponse:
    return render(request, "web/403.html", {"message": message}, status=403)


def permission_required(permission: Permission) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user_has_permission(user=request.user, permission=permission, agency=request.agency):  # type: ignore[attr-defined]
                return forbidden(request)
            return view(request, *args, **kwargs)

        wrapped.required_permission = permission  # type: ignore[attr-defined]
        return wrapped

    return decorator
