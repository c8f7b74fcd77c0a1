"""Where phones can reach the server, and the QR code that takes them there.

Addresses are read from the machine's own network interfaces; nothing is sent
anywhere to find them. The QR code is made locally (segno), for the terminal and
as inline SVG for the pages.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass

__all__ = ["Interface", "lan_addresses", "qr_svg", "qr_terminal", "server_urls"]


@dataclass(frozen=True)
class Interface:
    """One IPv4 address of one network adapter."""

    name: str
    address: str
    up: bool = True


# Adapters that phones in the room can never reach: virtual switches of Hyper-V and
# WSL, VirtualBox/VMware, Docker, VPNs. Matched case-insensitively in the name.
_VIRTUAL = re.compile(r"vethernet|hyper-v|wsl|virtualbox|vmware|vmnet|docker|^br-|^veth|"
                      r"virbr|tailscale|zerotier|wireguard|^tun|^tap|vpn|loopback",
                      re.IGNORECASE)
# Windows' Mobile hotspot (and Internet Connection Sharing) always hands out 192.168.137.x
# with the laptop at .1; phones joined to the laptop's own hotspot reach it only there.
WINDOWS_HOTSPOT = ipaddress.IPv4Address("192.168.137.1")
_VIRTUAL_RANGES = (ipaddress.IPv4Network("172.16.0.0/12"),)  # Hyper-V, WSL, Docker


def _interface_addresses() -> list[Interface]:
    try:
        import psutil
    except ImportError:  # fall back on what the host name resolves to
        try:
            infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
        except OSError:
            return []
        return [Interface("", str(info[4][0])) for info in infos]
    stats = psutil.net_if_stats()
    found = []
    for name, addresses in psutil.net_if_addrs().items():
        up = stats[name].isup if name in stats else True
        found += [Interface(name, a.address, up) for a in addresses
                  if a.family == socket.AF_INET]
    return found


def _rank(interface: Interface) -> tuple[int, ipaddress.IPv4Address]:
    """Lower is better: the Windows hotspot, then ordinary private networks (a room's
    router hands out 192.168.x or 10.x), then 172.16-31.x (usually a virtual switch),
    then adapters named like virtual ones, then public addresses."""
    address = ipaddress.IPv4Address(interface.address)
    if address == WINDOWS_HOTSPOT:
        rank = 0
    elif _VIRTUAL.search(interface.name):
        rank = 3
    elif any(address in net for net in _VIRTUAL_RANGES):
        rank = 2
    elif address.is_private:
        rank = 1
    else:
        rank = 4
    return rank, address


def lan_addresses(interfaces: list[Interface] | None = None) -> list[str]:
    """IPv4 addresses of this machine that phones in the room may reach, the most likely
    first (the QR code uses the first). Adapters that are down, loopback and link-local
    (169.254.x, "no network") addresses are left out; the order is numeric, never text."""
    chosen: dict[str, Interface] = {}
    for interface in _interface_addresses() if interfaces is None else interfaces:
        try:
            address = ipaddress.IPv4Address(interface.address)
        except ValueError:
            continue
        if not interface.up:
            continue
        if address.is_loopback or address.is_link_local or address.is_unspecified:
            continue
        if interface.address not in chosen:
            chosen[interface.address] = interface
    return [i.address for i in sorted(chosen.values(), key=_rank)]


def server_urls(host: str, port: int) -> list[str]:
    """The addresses to give participants for a server bound to ``host``."""
    wildcard = host in ("0.0.0.0", "")
    hosts = (lan_addresses() or ["127.0.0.1"]) if wildcard else [host]
    return [f"http://{h}:{port}/" for h in hosts]


def qr_terminal(url: str) -> str:
    """The QR code of ``url`` as text for a terminal (two modules per character row)."""
    import io

    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True, border=2)
    return out.getvalue()


def qr_svg(url: str, scale: int = 8) -> str:
    """The QR code of ``url`` as inline SVG markup for an HTML page."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=scale, border=2, dark="#000",
                                                  light="#fff")
