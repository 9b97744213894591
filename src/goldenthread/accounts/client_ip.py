"""Which address a sign-in attempt came from, for throttling per address."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    # Only trust X-Forwarded-For entries added by our own proxies: the client can write the rest.
    hops = settings.GOLDENTHREAD_TRUSTED_PROXY_COUNT
    remote = str(request.META.get("REMOTE_ADDR", ""))
    if hops <= 0:
        return remote
    forwarded = [
        part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if part.strip()
    ]
    if len(forwarded) < hops:
        return remote
    return forwarded[-hops]
