"""The hub pieces without a hub: names, hand-in folders, report ids, configuration, API errors,
the trainer's page guard. ``tests/test_hub.py`` runs them all on a real JupyterHub."""

from __future__ import annotations

import json
from pathlib import Path
from unittest import mock

import pytest

from kimtrain.answers import participant_id
from kimtrain.errors import AnswerError
from kimtrain.hub.names import email_index, hub_username, roster_code


@pytest.mark.parametrize("spelling", ["KIM-001", "kim-001", "Kim-001", " kim-001 ",
                                      "jupyter-kim-001", "JUPYTER-KIM-001",
                                      "kim-001@kim.kotimkab.go.id"])
def test_every_hub_spelling_of_a_code_is_that_participant(spelling):
    assert participant_id(spelling) == "KIM-001"


def test_an_email_login_is_found_in_the_contacts_or_refused():
    contacts = [mock.Mock(id="kim-007", email=" Budi.S@Gmail.com ")]
    emails = email_index(contacts)
    assert roster_code("budi.s@gmail.com", emails) == "KIM-007"
    assert roster_code("jupyter-budi.s@gmail.com", emails) == "KIM-007"
    with pytest.raises(AnswerError):  # not a code, not in the contacts: never guessed
        participant_id("budi.s@gmail.com")
    assert hub_username("KIM-007") == "kim-007"
    assert hub_username("KIM-007", "Budi.S@Gmail.com", by_email=True) == "budi.s@gmail.com"


def _handin(folder: Path, when: str, *, secret: str = "") -> None:
    folder.mkdir(parents=True)
    (folder / "pretest.ipynb").write_text("{}", encoding="utf-8")
    (folder / "timestamp.txt").write_text(when, encoding="utf-8")
    if secret:
        (folder / "submission_secret.txt").write_text(secret, encoding="utf-8")


def test_collected_hub_folders_become_code_folders_and_never_replace_a_newer_one(course):
    from kimtrain.hub.ids import canonical_submissions

    submitted = course.root / "submitted"
    _handin(submitted / "jupyter-kim-001" / "pretest", "2026-12-04 09:00:00.000000 UTC",
            secret="rahasia")
    _handin(submitted / "kim-002" / "pretest", "2026-12-04 09:00:00.000000 UTC")
    _handin(submitted / "KIM-002" / "pretest", "2026-12-04 10:00:00.000000 UTC")
    moved = canonical_submissions(course, "pretest")
    assert sorted(moved) == [("jupyter-kim-001", "KIM-001"), ("kim-002", "KIM-002")]
    assert sorted(p.name for p in submitted.iterdir()) == ["KIM-001", "KIM-002"]
    one = submitted / "KIM-001" / "pretest"
    assert (one / "submission_secret.txt").read_text(encoding="utf-8") == "rahasia"
    assert (one / "timestamp.txt").read_text(encoding="utf-8").startswith("2026-12-04 09:00")
    two = submitted / "KIM-002" / "pretest" / "timestamp.txt"
    assert two.read_text(encoding="utf-8").startswith("2026-12-04 10:00")  # the newer kept
    assert canonical_submissions(course, "pretest") == []  # nothing left to move


def test_the_gradebook_reader_gives_one_participant_whatever_nbgrader_stored(course):
    from kimtrain.hub.ids import one_spelling

    rows = [("kim-001", "nilai_A", 0.0, 0, 1.0), ("KIM-001", "nilai_A", 1.0, 0, 1.0),
            ("jupyter-kim-002", "nilai_A", 1.0, 0, 1.0), ("KIM-003", "nilai_A", 1.0, 0, 1.0)]
    merged = sorted(one_spelling(course, rows))
    assert merged == [("KIM-001", "nilai_A", 1.0, 0, 1.0),  # the row under the code wins
                      ("KIM-002", "nilai_A", 1.0, 0, 1.0), ("KIM-003", "nilai_A", 1.0, 0, 1.0)]
    codes = [("KIM-001", "nilai_A", 1.0, 0, 1.0)]
    assert one_spelling(course, codes) == codes


def test_init_hub_writes_trainer_participant_and_hub_configuration(tmp_path):
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    from kimtrain.cli import main

    root, exchange = tmp_path / "kursus", tmp_path / "exchange"
    assert main(["init", str(root), "--hub", "--course-id", "kim-sampit", "--exchange",
                 str(exchange), "--instructor", "Pelatih", "--service-port", "9100"]) == 0
    trainer = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    assert trainer.Authenticator.plugin_class == "nbgrader.auth.JupyterHubAuthPlugin"
    assert trainer.Exchange.root == str(exchange)
    assert trainer.CourseDirectory.course_id == "kim-sampit"
    participant = PyFileConfigLoader("nbgrader_config.py", path=str(root / "hub")).load_config()
    assert participant.Exchange.root == str(exchange)
    assert participant.Exchange.path_includes_course is True
    assert "course_id" not in participant.CourseDirectory  # several courses per person
    assert exchange.is_dir() and exchange.stat().st_mode & 0o777 == 0o777

    c = Config()
    c.JupyterHub.services, c.JupyterHub.load_roles, c.JupyterHub.load_groups = [], [], {}
    code = (root / "hub" / "jupyterhub_config.py").read_text(encoding="utf-8")
    exec(compile(code, "jupyterhub_config.py", "exec"), {"get_config": lambda: c})
    assert c.JupyterHub.load_groups == {"formgrade-kim-sampit": {"users": ["pelatih"]},
                                        "nbgrader-kim-sampit": {"users": []}}
    (service,) = c.JupyterHub.services
    assert service["name"] == "kimtrain-kim-sampit"
    assert service["url"] == "http://127.0.0.1:9100"
    assert service["command"][-4:] == ["serve", "--hub", "--course", str(root)]
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    assert roles["kimtrain-kim-sampit-peserta"]["scopes"] == [
        "access:services!service=kimtrain-kim-sampit"]
    assert "groups!group=nbgrader-kim-sampit" in roles["kimtrain-kim-sampit-pelatih"]["scopes"]
    assert roles["kimtrain-kim-sampit-service"]["services"] == ["kimtrain-kim-sampit"]
    settings = json.loads((root / ".kimtrain" / "hub.json").read_text(encoding="utf-8"))
    assert settings["instructors"] == ["pelatih"] and "token" not in json.dumps(settings)


def test_an_unreachable_hub_is_a_plain_message():
    from kimtrain.hub.api import HubAPI, HubAPIError
    from kimtrain.i18n import t

    with pytest.raises(HubAPIError) as caught:
        HubAPI("http://127.0.0.1:9/hub/api", "token").enrol("nbgrader-kim", ["kim-001"])
    assert caught.value.key == "hub.api.unreachable"
    assert str(caught.value).startswith("JupyterHub tidak dapat dihubungi di "
                                        "http://127.0.0.1:9/hub/api")
    with pytest.raises(HubAPIError) as caught:
        HubAPI("http://127.0.0.1:9/hub/api", "").user("kim-001")
    assert caught.value.key == "hub.api.no_token"
    assert t("hub.api.no_token", url="x")


class _Gate:
    is_hub_gate = True

    def __init__(self, trainers: set[str]) -> None:
        self.trainers = trainers

    def is_trainer(self, name: str) -> bool:
        return name in self.trainers


def test_on_a_hub_the_trainers_page_needs_a_trainers_login_not_an_address():
    import tornado.web
    from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

    from kimtrain.serve.app import TrainerHandler

    server = mock.Mock(trainer_key="rahasia-123", hub=_Gate({"pelatih"}), base_url="/")

    def allowed(user: str | None, query: str = "") -> bool:
        request = HTTPServerRequest(
            start_line=RequestStartLine("GET", f"/pelatih{query}", "HTTP/1.1"),
            headers=HTTPHeaders({"Host": "127.0.0.1:8866"}), connection=mock.Mock())
        request.remote_ip = "127.0.0.1"  # the hub's proxy: every request looks local
        handler = TrainerHandler(tornado.web.Application(), request, server=server)
        handler.hub_user = user
        return handler._allowed()

    assert allowed("pelatih")
    assert not allowed("kim-001")
    assert not allowed(None)
    assert not allowed("kim-001", "?kunci=rahasia-123")  # no key opens it on a hub
