"""Who is acting: the one way every action is told who does it (``by: Actor``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from goldenthread.core.errors import ActionError

if TYPE_CHECKING:  # types only: the layers above define them, this bottom layer imports none at run time
    from goldenthread.accounts.models import User
    from goldenthread.agencies.models import Agency, Membership


@dataclass(frozen=True)
class Actor:
    """The person acting, for the agency they act for, and the text of them the audit log keeps.

    ``user``, ``agency`` and ``membership`` are what actions need (who started a membership, who decided a
    match); the three text fields are what the audit log writes. The system, an unknown name typed at
    sign-in and a script's operator have text only.
    """

    user_id: str = ""
    username: str = ""
    agency_code: str = ""
    user: User | None = field(default=None, compare=False, repr=False)
    agency: Agency | None = field(default=None, compare=False, repr=False)
    membership: Membership | None = field(default=None, compare=False, repr=False)

    def signed_in_user(self) -> User:
        """The person acting, for an action only a signed-in person may take."""
        if self.user is None:
            raise ActionError("Only a signed-in person can do this")
        return self.user

    @classmethod
    def system(cls) -> Actor:
        return cls(username="system")

    @classmethod
    def of(cls, user: Any, agency: Any = None, membership: Membership | None = None) -> Actor:
        if user is None or not getattr(user, "is_authenticated", False):
            return cls(username=getattr(user, "username", "") or "anonymous")
        return cls(
            user_id=str(user.pk),
            username=str(user.get_username()),
            agency_code=_agency_code(agency),
            user=user,
            agency=agency if agency is not None and not isinstance(agency, str) else None,
            membership=membership,
        )


def _agency_code(agency: Any) -> str:
    if agency is None:
        return ""
    return str(getattr(agency, "code", agency))
