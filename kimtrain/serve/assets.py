"""Static files for phones on a shared hotspot: compressed, and fetched once.

Voilà serves its JavaScript and styles (about 5 MB for a test page) uncompressed and
asks the browser to check every file again on the next page. In a workshop room
thirty phones share one hotspot, so the server

* gzips every text response (tornado's ``compress_response``; phones always accept it);
* lets a phone keep what it fetched: files whose names carry a content hash (the
  JupyterLab extensions' ``remoteEntry.<hash>.js``, kimtrain's own files requested
  with ``?v=<hash>``) for a year, Voilà's other static files for a workshop day;
* serves the participant widgets' code once, at ``/kimtrain/static/``, instead of
  inside each of a test's forty widgets (see :mod:`kimtrain.widgets.views`).
"""

from __future__ import annotations

import re
from typing import Any

import tornado.web

from kimtrain.widgets.views import ASSETS, module_source

__all__ = ["WidgetAssetHandler", "cache_static", "http_settings", "websocket_settings"]

YEAR = 365 * 24 * 3600
WORKSHOP_DAY = 12 * 3600
_CONTENT_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
_HASHED = re.compile(r"[.-][0-9a-f]{8,}\.(?:js|css|woff2?|ttf|svg|png)$")


def http_settings() -> dict[str, Any]:
    """Tornado application settings: gzip every text response."""
    return {"compress_response": True}


def websocket_settings() -> dict[str, Any]:
    """permessage-deflate for the kernel websockets, which every phone browser offers.

    Every widget's state carries its labels and item text; deflate shrinks the repeats.
    """
    return {"websocket_compression_options": {}}


def cache_seconds(path: str, versioned: bool) -> int:
    """How long a phone may keep a static file without asking again."""
    return YEAR if versioned or _HASHED.search(path) else WORKSHOP_DAY


def cache_static(handler: type[tornado.web.StaticFileHandler]) -> type:
    """A subclass of one of Voilà's static handlers whose files phones keep."""

    class Cached(handler):  # type: ignore[valid-type,misc]
        def set_headers(self) -> None:
            super().set_headers()
            if self.get_status() == 200:
                seconds = cache_seconds(self.request.path, "v" in self.request.arguments)
                self.set_header("Cache-Control", f"public, max-age={seconds}")

    Cached.__name__ = Cached.__qualname__ = f"Cached{handler.__name__}"
    return Cached


class WidgetAssetHandler(tornado.web.RequestHandler):
    """``/kimtrain/static/<file>``: the participant widgets' script and styles only (the
    script with every item type's renderer in it, see :func:`module_source`)."""

    def get(self, name: str) -> None:
        if name not in ASSETS:
            raise tornado.web.HTTPError(404)
        self.set_header("Content-Type", _CONTENT_TYPES[name[name.rfind("."):]])
        seconds = cache_seconds(self.request.path, "v" in self.request.arguments)
        self.set_header("Cache-Control", f"public, max-age={seconds}")
        self.finish(module_source(name).encode("utf-8"))  # ETag and 304 by tornado
