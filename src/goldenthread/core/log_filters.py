"""Log records never carry a URL's query string: a search by GET holds a child's name and date of birth there.

Django's development server logs each request line ("GET /children/?given_name=... HTTP/1.1") on the
``django.server`` logger; the filter cuts the query from it, and from any message argument that looks like
a request line, before a handler writes it. Production's access log (gunicorn) is set in ``goldenthread
serve`` to log the path alone.
"""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"(\b(?:GET|POST|HEAD|PUT|PATCH|DELETE|OPTIONS) [^ ?\"]*)\?[^ \"]*")


def without_query(text: str) -> str:
    """``text`` with the query string of every request line in it removed."""
    return _QUERY.sub(r"\1", text)


class DropQueryStrings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = without_query(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(without_query(a) if isinstance(a, str) else a for a in record.args)
        return True
