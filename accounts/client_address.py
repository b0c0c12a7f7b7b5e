"""The client's address: the one answer the audit trail and the sign-in lockout both use.

A request's `REMOTE_ADDR` is the peer of the TCP connection. Behind a reverse proxy that is the
proxy, and the client is named in `X-Forwarded-For`, which anyone can also send themselves. So
the header is believed only when the peer is a proxy listed in `TIDELINE_TRUSTED_PROXIES`, and it
is read from the right: each trusted proxy appends the address it was connected from, so the
first address from the right that is not a trusted proxy is the client. Everything to its left
was written by the client and is ignored. With no trusted proxies (the default) the header is
never read and the client is `REMOTE_ADDR`.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(value: str) -> Address | None:
    """An address from a header entry: "203.0.113.7", "[2001:db8::1]:443", "203.0.113.7:5123"."""
    value = value.strip().strip('"')
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # IPv4 with a port; a bare IPv6 address has several colons
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted_networks() -> list:
    networks = []
    for item in settings.TIDELINE_TRUSTED_PROXIES:
        networks.append(
            item if hasattr(item, "network_address") else ipaddress.ip_network(item, strict=False)
        )
    return networks


def _is_trusted(address: Address, networks: list) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client that made `request`, or None when the peer is not an IP address."""
    peer = _parse(request.META.get("REMOTE_ADDR") or "")
    if peer is None:
        return None
    networks = _trusted_networks()
    if not networks or not _is_trusted(peer, networks):
        return str(peer)
    client = peer
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        if not entry.strip():
            continue
        hop = _parse(entry)
        if hop is None:
            # Not an address: written by someone we cannot vouch for. The last address a trusted
            # proxy vouched for stands (the proxy itself at worst), never the unreadable entry.
            break
        client = hop
        if not _is_trusted(hop, networks):
            break
    return str(client)
