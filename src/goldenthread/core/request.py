"""The request every view receives: who is signed in, for which agency they act, and what they may do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:  # types only: the layers above define them, this bottom layer imports none at run time
    from goldenthread.accounts.models import User
    from goldenthread.agencies.models import Agency, Membership
    from goldenthread.agencies.permissions import Permission
    from goldenthread.core.actor import Actor


class AgencyRequest(HttpRequest):
    """An ``HttpRequest`` as the request middleware leaves it (web.middleware fills it once per request).

    Not constructed: it names, for the type checker, the attributes the middleware sets on Django's own
    request. The types are those a view behind ``permission_required`` sees: a signed-in user acting for
    an agency through one of their memberships. Before that (the sign-in pages, which check
    ``user.is_authenticated`` first) ``agency`` and ``membership`` are None, ``memberships`` and
    ``permissions`` empty, and ``actor`` names the anonymous user.
    """

    user: User
    agency: Agency
    membership: Membership
    memberships: list[Membership]
    actor: Actor
    permissions: frozenset[Permission]
