"""Participant identity at a workshop (issue 9, items 2 and 4): PINs, their limits, cards.

The served page's side (no name before the PIN, the PIN asked in the browser) is in
tests/test_serve.py, tests/test_serve_security.py and tests/test_serve_browser.py.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kimtrain.course.roster import save_roster
from kimtrain.demo import demo_roster
from kimtrain.serve import identity
from kimtrain.serve.identity import (
    IdentityRefused,
    check_code_pin,
    ensure_pins,
    generate_pin,
    load_pins,
    reset_pin,
)

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def roster(course):
    people = demo_roster(4)
    save_roster(course, people)
    ensure_pins(course.root, [p.id for p in people])
    return people


def _wrong(pin: str) -> str:
    return "".join(str((int(d) + 1) % 10) for d in pin)


def test_pins_are_six_digits_private_and_never_served(course, roster):
    pins = load_pins(course.root)
    assert sorted(pins) == [p.id for p in roster]
    assert all(len(pin) == 6 and pin.isdigit() for pin in pins.values())
    assert len({generate_pin() for _ in range(200)}) > 190  # random, not a sequence
    assert not any(identity._weak(generate_pin()) for _ in range(500))
    assert identity._weak("111111") and identity._weak("123456") and identity._weak("654321")
    path = course.root / ".kimtrain" / "pin.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ensure_pins(course.root, [p.id for p in roster]) == []  # kept as they are
    assert load_pins(course.root) == pins
    # nothing a participant can open holds a PIN
    from kimtrain.serve.workshop import notebooks_root

    served = notebooks_root(course.root)
    assert not served.exists() or all(
        pin not in f.read_text(errors="ignore") for f in served.rglob("*") if f.is_file()
        for pin in pins.values())


def test_the_check_accepts_the_pair_and_refuses_anything_else_alike(course, roster):
    pins = load_pins(course.root)
    person = check_code_pin(course.root, " kim-002 ", pins["KIM-002"], client="10.0.0.2")
    assert person.nama.startswith("Budi Santoso")
    messages = set()
    for code, pin in (("KIM-002", pins["KIM-001"]), ("KIM-002", ""), ("KIM-999", "123456"),
                      ("KIM-002", "x" * 5000), ("<script>", pins["KIM-002"])):
        with pytest.raises(IdentityRefused) as refused:
            check_code_pin(course.root, code, pin, client=f"10.0.0.{len(messages) + 10}")
        messages.add(str(refused.value))
    assert messages == {"Kode peserta atau PIN salah. Periksa kartu peserta Anda, atau "
                        "tanyakan kepada fasilitator."}


def test_wrong_pins_are_limited_per_code_and_the_trainer_lifts_it(course, roster):
    pins = load_pins(course.root)
    # the attack: guessing one participant's PIN from several phones
    for n in range(identity.CODE_LIMIT - 1):
        with pytest.raises(IdentityRefused) as refused:
            check_code_pin(course.root, "KIM-003", _wrong(pins["KIM-003"]), client=f"c{n}")
        assert refused.value.key == "identity.wrong"
    with pytest.raises(IdentityRefused) as locked:
        check_code_pin(course.root, "KIM-003", _wrong(pins["KIM-003"]), client="c9")
    assert str(locked.value).startswith("Terlalu banyak percobaan yang salah. Coba lagi dalam 5 "
                                        "menit")
    # now even the right PIN waits, from any phone: a new kernel reads the same store
    with pytest.raises(IdentityRefused) as still:
        check_code_pin(course.root, "KIM-003", pins["KIM-003"], client="c-new")
    assert still.value.key == "identity.locked"
    # other participants are not held up
    assert check_code_pin(course.root, "KIM-004", pins["KIM-004"], client="c-new").id == "KIM-004"
    new = reset_pin(course.root, "KIM-003")  # the trainer gives a new PIN
    assert new != pins["KIM-003"] and load_pins(course.root)["KIM-003"] == new
    assert check_code_pin(course.root, "KIM-003", new, client="c-new").id == "KIM-003"
    with pytest.raises(IdentityRefused):  # the old card no longer works
        check_code_pin(course.root, "KIM-003", pins["KIM-003"], client="c-new2")


def test_wrong_pins_are_limited_per_client(course, roster):
    pins = load_pins(course.root)
    codes = [p.id for p in roster]
    # the attack: one phone trying codes in turn (never reaching one code's limit)
    for n in range(identity.CLIENT_LIMIT - 1):
        with pytest.raises(IdentityRefused) as refused:
            code = codes[n % len(codes)]
            check_code_pin(course.root, code, _wrong(pins[code]), client="192.168.1.66")
        assert refused.value.key == "identity.wrong", n
    with pytest.raises(IdentityRefused) as locked:
        check_code_pin(course.root, "KIM-001", "000001", client="192.168.1.66")
    assert str(locked.value).startswith("Terlalu banyak percobaan yang salah. Coba lagi dalam 15 "
                                        "menit")
    with pytest.raises(IdentityRefused):  # that phone waits, even with a right PIN
        check_code_pin(course.root, "KIM-001", pins["KIM-001"], client="192.168.1.66")
    assert check_code_pin(course.root, "KIM-001", pins["KIM-001"], client="192.168.1.7")


def test_without_a_roster_there_is_nothing_to_check(course):
    assert check_code_pin(course.root, "KIM-001", "", client="x") is None


def test_cli_makes_and_resets_pins(course, roster, capsys):
    from kimtrain.cli import main

    before = load_pins(course.root)
    assert main(["roster", "pin", "KIM-002", "--reset", "--course", str(course.root)]) == 0
    after = load_pins(course.root)
    out = capsys.readouterr().out
    assert after["KIM-002"] != before["KIM-002"]
    assert f"PIN baru untuk KIM-002: {after['KIM-002']}" in out
    assert {k: v for k, v in after.items() if k != "KIM-002"} == {
        k: v for k, v in before.items() if k != "KIM-002"}
    assert main(["roster", "pin", "KIM-404", "--reset", "--course", str(course.root)]) == 1
    assert "KIM-404 tidak ada di daftar peserta" in capsys.readouterr().err
    assert load_pins(course.root) == after


def test_cards_pdf_has_name_code_pin_and_address(course, roster, tmp_path):
    out = tmp_path / "kartu.pdf"
    run = subprocess.run([sys.executable, "-m", "kimtrain", "cards", "--course", str(course.root),
                          "--address", "http://192.168.43.1:8866/", "--out", str(out)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "4 kartu peserta ditulis" in run.stdout
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    if not shutil.which("pdftotext"):
        if os.environ.get("CI"):  # .ci/run installs it: a CI run never skips this
            pytest.fail("pdftotext is missing: .ci/run installs poppler-utils with apt-get")
        pytest.skip("pdftotext (poppler-utils) is needed to read the cards back")
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout
    pins = load_pins(course.root)
    for person in roster:
        pin = pins[person.id]
        assert person.nama in text and person.id in text, person
        assert f"{pin[:3]} {pin[3:]}" in text, person
    assert "http://192.168.43.1:8866/" in text and "Kartu Peserta" in text
    if shutil.which("pdftoppm"):  # a picture to look at
        ARTIFACTS.mkdir(exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(out),
                        str(ARTIFACTS / "identity-cards")], check=True)


def test_roster_import_gives_new_participants_a_pin(course, tmp_path):
    from kimtrain.course.roster_import import import_roster

    csv = tmp_path / "peserta.csv"
    csv.write_text("ID peserta,Nama,KIM,Desa,Kecamatan\n"
                   "KIM-101,Rina,KIM Mentaya,Baamang Hulu,Baamang\n", encoding="utf-8")
    import_roster(course, csv, regions=None)
    assert list(load_pins(course.root)) == ["KIM-101"]
