"""The address phones in the room use to reach the facilitator's laptop.

``tourbuilder serve --host 0.0.0.0`` listens on every network the laptop is on; phones
reach it at one of its LAN IPv4 addresses, which :func:`lan_addresses` finds from the
network interfaces themselves (psutil), so no internet is needed. Served on 127.0.0.1
only, the laptop serves only itself: :func:`reachable` says so and the presenter view
tells the facilitator how to restart. ``PUBLIC_URL`` wins over all this when it is set.

No Flask import: the CLI and the views pass plain values.
"""

from __future__ import annotations

import ipaddress
import socket

import psutil

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
ALL_INTERFACES = {"0.0.0.0", "::", ""}


def lan_addresses() -> list[str]:
    """The machine's IPv4 addresses other phones could reach: private networks first
    (the room's Wi-Fi), then any other non-loopback, non-link-local address."""
    found = []
    stats = psutil.net_if_stats()
    for name, addresses in psutil.net_if_addrs().items():
        if name in stats and not stats[name].isup:
            continue
        for address in addresses:
            if address.family != socket.AF_INET:
                continue
            ip = ipaddress.IPv4Address(address.address)
            if ip.is_loopback or ip.is_link_local or ip.is_unspecified:
                continue
            found.append(ip)
    found = sorted(set(found), key=lambda ip: (not ip.is_private, ip))
    return [str(ip) for ip in found]


def reachable(bind_host: str | None) -> bool:
    """Can other machines reach a server bound to ``bind_host``? (None: unknown, e.g.
    under gunicorn behind a proxy: assume so.)"""
    return bind_host is None or bind_host not in LOOPBACK_HOSTS


def room_base(
    public_url: str | None, bind_host: str | None, request_root: str, port: int | None
) -> str:
    """The root phones should open, without a trailing slash: ``PUBLIC_URL`` when set;
    the first LAN address when the app listens on every interface and the facilitator
    opened it as ``localhost``; else the address the facilitator's browser used."""
    if public_url:
        return public_url.rstrip("/")
    root = request_root.rstrip("/")
    host = root.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0].strip("[]")
    if bind_host in ALL_INTERFACES and host in LOOPBACK_HOSTS:
        addresses = lan_addresses()
        if addresses:
            return f"http://{addresses[0]}" + (f":{port}" if port and port != 80 else "")
    return root
