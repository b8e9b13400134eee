"""The room's address: the laptop's LAN addresses, whether phones can reach it, and what
``tourbuilder serve`` prints for the room."""

from __future__ import annotations

import ipaddress
import socket

import psutil
import zxingcpp
from PIL import Image

from tourbuilder import room
from tourbuilder.cli import _announce_room


def test_lan_addresses_are_this_machines_own_ipv4_addresses():
    addresses = room.lan_addresses()
    own = {
        a.address
        for entries in psutil.net_if_addrs().values()
        for a in entries
        if a.family == socket.AF_INET
    }
    assert set(addresses) <= own
    for address in addresses:
        ip = ipaddress.IPv4Address(address)
        assert not ip.is_loopback and not ip.is_link_local
    private = [ipaddress.IPv4Address(a).is_private for a in addresses]
    assert private == sorted(private, reverse=True)  # the room's network first


def test_reachable_only_beyond_loopback():
    assert not room.reachable("127.0.0.1") and not room.reachable("localhost")
    assert room.reachable("0.0.0.0") and room.reachable("192.168.1.5") and room.reachable(None)


def test_the_room_base_prefers_public_url_then_the_lan_address(monkeypatch):
    monkeypatch.setattr(room, "lan_addresses", lambda: ["192.168.1.23", "10.0.0.4"])
    assert room.room_base(
        "https://tours.example.org/", "0.0.0.0", "http://localhost:5000/", 5000
    ) == ("https://tours.example.org")
    assert room.room_base(None, "0.0.0.0", "http://localhost:5000/", 5000) == (
        "http://192.168.1.23:5000"
    )
    # a phone-reachable address the facilitator already uses stays as it is
    assert room.room_base(None, "0.0.0.0", "http://192.168.1.23:5000/", 5000) == (
        "http://192.168.1.23:5000"
    )
    assert room.room_base(None, "127.0.0.1", "http://127.0.0.1:5000/", 5000) == (
        "http://127.0.0.1:5000"
    )


def test_serve_on_every_interface_prints_the_address_and_a_qr_code(monkeypatch, capsys):
    monkeypatch.setattr(room, "lan_addresses", lambda: ["192.168.1.23"])
    _announce_room("0.0.0.0", 5000)
    out = capsys.readouterr().out
    assert "Phones in the room: http://192.168.1.23:5000/live" in out
    rows = [line for line in out.splitlines() if "█" in line or "▀" in line or "▄" in line]
    assert len(rows) > 10  # the QR code, drawn with block characters


def test_the_terminal_qr_code_scans_to_the_room(monkeypatch, capsys):
    """Redraw the printed half-block characters as pixels and decode them."""
    monkeypatch.setattr(room, "lan_addresses", lambda: ["10.1.2.3"])
    _announce_room("0.0.0.0", 8080)
    lines = [line for line in capsys.readouterr().out.splitlines()[1:] if line.strip("\n")]
    width = max(len(line) for line in lines)
    picture = Image.new("L", (width, len(lines) * 2), 255)
    top = {"█": (0, 0), "▀": (0, 255), "▄": (255, 0), " ": (255, 255)}
    for y, line in enumerate(lines):
        for x, char in enumerate(line.ljust(width)):
            upper, lower = top.get(char, (255, 255))
            picture.putpixel((x, 2 * y), upper)
            picture.putpixel((x, 2 * y + 1), lower)
    picture = picture.resize((width * 8, len(lines) * 16), Image.NEAREST)
    found = zxingcpp.read_barcodes(picture)
    assert [code.text for code in found] == ["http://10.1.2.3:8080/live"]


def test_serve_on_loopback_says_phones_cannot_reach_it(capsys):
    _announce_room("127.0.0.1", 5000)
    assert "Restart with make run HOST=0.0.0.0" in capsys.readouterr().out
