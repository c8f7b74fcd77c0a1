"""Where phones can reach the server, and the QR code that takes them there.

Addresses are read from the machine's own network interfaces; nothing is sent
anywhere to find them. The QR code is made locally (segno), for the terminal and
as inline SVG for the pages.
"""

from __future__ import annotations

import ipaddress
import socket

__all__ = ["lan_addresses", "qr_svg", "qr_terminal", "server_urls"]


def _interface_addresses() -> list[str]:
    try:
        import psutil
    except ImportError:  # fall back on what the host name resolves to
        try:
            infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
        except OSError:
            return []
        return [info[4][0] for info in infos]
    found = []
    for addresses in psutil.net_if_addrs().values():
        found += [a.address for a in addresses if a.family == socket.AF_INET]
    return found


def lan_addresses() -> list[str]:
    """IPv4 addresses of this machine that other devices may reach, private ones first
    (a laptop's Wi-Fi hotspot is usually 192.168.x.x or 10.x.x.x)."""
    unique = []
    for text in _interface_addresses():
        address = ipaddress.IPv4Address(text)
        if address.is_loopback or address.is_link_local or address.is_unspecified:
            continue
        if text not in unique:
            unique.append(text)
    return sorted(unique, key=lambda a: (not ipaddress.IPv4Address(a).is_private, a))


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
