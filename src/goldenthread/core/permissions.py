"""The decorator every protected view uses, so no view can forget its check."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from goldenthread.core.request import AgencyRequest

if TYPE_CHECKING:  # types only: agencies is a layer above
    from goldenthread.agencies.permissions import Permission

View = Callable[..., HttpResponse]


def forbidden(request: HttpRequest, message: str = "") -> HttpResponse:
    return render(request, "web/403.html", {"message": message}, status=403)


def permission_required(permission: Permission) -> Callable[[View], View]:
    """Signed out: to the sign-in page. Signed in without ``permission`` for the acting agency: 403 for a
    page, and 404 for an object's page (its URL names it), as for an object the user may not see: the
    answer never depends on whether the object exists or what it is.

    The permissions are those the request middleware read once for this request's user and agency.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: AgencyRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.is_active or permission not in request.permissions:
                if kwargs:
                    raise Http404
                return forbidden(request)
            return view(request, *args, **kwargs)

        # Read by the test that checks every URL is protected.
        cast(Any, wrapped).required_permission = permission
        return wrapped

    return decorator
