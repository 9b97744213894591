"""The one error every write raises, and the one way a form shows it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError

NON_FIELD = "__all__"


class ActionError(ValueError):
    """A write refused, with its problems per form field (``NON_FIELD`` for the form as a whole).

    Built from one message (``ActionError("Give a reason")``, optionally ``field="reason"``) or from a
    mapping of field to messages. ``str()`` is the messages joined, so a page or a command line can show
    it as it is.
    """

    def __init__(self, problems: str | Mapping[str, Iterable[str]], *, field: str = NON_FIELD) -> None:
        if isinstance(problems, str):
            self.problems: dict[str, list[str]] = {field: [problems]}
        else:
            self.problems = {name: [str(m) for m in messages] for name, messages in problems.items()}
        super().__init__(" ".join(m for messages in self.problems.values() for m in messages))

    @classmethod
    def from_validation(cls, error: ValidationError, *, field: str = NON_FIELD) -> ActionError:
        """Django's own validation (a model's full_clean, the password validators) in this one shape."""
        if hasattr(error, "error_dict"):
            return cls(error.message_dict)
        return cls({field: error.messages})


def form_add_problems(form: Any, error: ActionError) -> None:
    """Show a refused write on its form: each problem on its field, or above the form when it has none.

    A form whose fields are named differently from the action's problems says how in ``problem_fields``
    (the decision form shows a problem with the items on the first item's description).
    """
    renamed: dict[str, str] = getattr(form, "problem_fields", {})
    for field, messages in error.problems.items():
        name = renamed.get(field, field)
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
