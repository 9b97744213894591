"""Delivery channels beyond the in-app list (email, GOV.UK Notify), registered by the apps that provide them.

A channel is ``deliver(notification_id: int) -> None``, called after the notifying transaction commits (so a
rolled-back action notifies nobody). A channel that does slow work (sending email) enqueues a task on the
background queue rather than sending inside the request.
"""

from __future__ import annotations

from collections.abc import Callable

Channel = Callable[[int], None]
_channels: list[Channel] = []


def notification_channel(channel: Channel) -> Channel:
    """Register ``channel``; it is called once for every new notification, after commit."""
    if channel not in _channels:
        _channels.append(channel)
    return channel


def channels() -> list[Channel]:
    return list(_channels)
