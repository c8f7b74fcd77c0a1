"""The projector view of the trainer's page: QR code, address and counts, no names."""

from __future__ import annotations

import re

import pytest

from kimtrain.course.roster import save_roster
from kimtrain.demo import demo_roster
from kimtrain.serve.pages import projector_page, trainer_page
from kimtrain.serve.status import workshop_status
from kimtrain.serve.workshop import prepare_workshop

from .serving import ServerProcess, workshop_course
from .test_serve import _release_by_hand


@pytest.fixture
def served(course, monkeypatch):
    _release_by_hand(course)
    save_roster(course, demo_roster(3))
    monkeypatch.setenv("KIMTRAIN_SERVER", "1")
    monkeypatch.setenv("KIMTRAIN_COURSE", str(course.root))
    return prepare_workshop(course)


def test_the_projector_view_shows_the_qr_and_counts_without_names(served):
    statuses = workshop_status(served)
    url = "http://192.168.137.1:8866/"
    screen = projector_page(served, statuses, [url], "id")
    trainer = trainer_page(served, statuses, [url], "id")
    assert "<svg" in screen and url in screen and 'http-equiv="refresh"' in screen
    assert re.search(r"<b>3</b>Belum mulai|<b>3</b>", screen)  # three on the roster, waiting
    for person in demo_roster(3):
        assert person.id in trainer and person.id not in screen
        assert person.nama.split(" (")[0] in trainer
        assert person.nama.split(" (")[0] not in screen
    assert "matikan data seluler" in screen and "PIN" in screen
    assert set(re.findall(r"(?:https?:)?//[\w.:-]+", screen)) <= {
        "http://192.168.137.1:8866", "//www.w3.org"}


def test_the_projector_route_is_guarded_like_the_trainers_page(served):
    from unittest import mock

    import tornado.web
    from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

    from kimtrain.serve.app import ScreenHandler

    server = mock.Mock(trainer_key="rahasia-123", workshop=served, urls=["http://x:1/"])

    def get(remote_ip: str, query: str = "") -> str:
        request = HTTPServerRequest(
            start_line=RequestStartLine("GET", f"/pelatih/layar{query}", "HTTP/1.1"),
            headers=HTTPHeaders({"Host": "127.0.0.1:8866"}), connection=mock.Mock())
        request.remote_ip = remote_ip
        handler = ScreenHandler(tornado.web.Application(), request, server=server)
        handler.finish = lambda *a, **k: None
        handler.get()
        return b"".join(handler._write_buffer).decode("utf-8")

    assert "<svg" in get("127.0.0.1")
    with pytest.raises(tornado.web.HTTPError):
        get("192.168.1.23")
    assert "<svg" in get("192.168.1.23", "?kunci=rahasia-123")


@pytest.mark.slow
def test_the_running_server_serves_the_projector_view(tmp_path):
    course = workshop_course(tmp_path / "kursus")
    process = ServerProcess(course.root, "--warm", "0")
    try:
        status, screen = process.get("/pelatih/layar")
        assert status == 200 and "<svg" in screen and process.url in screen
        status, trainer = process.get("/pelatih")
        assert status == 200 and "KIM-001" in trainer and "KIM-001" not in screen
    finally:
        process.stop()
