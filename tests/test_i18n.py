from __future__ import annotations

import json
import re
import subprocess
import sys
from string import Formatter

import pytest

from kimtrain.i18n import LANGUAGES, catalog, catalog_files, get_language, set_language, t


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys_and_placeholders():
    base = catalog("id")
    for lang in LANGUAGES:
        other = catalog(lang)
        assert set(other) == set(base), f"{lang}: keys differ"
        for key, text in base.items():
            assert _placeholders(other[key]) == _placeholders(text), (lang, key)


def test_no_key_is_defined_in_two_files_and_files_match_across_languages():
    names = {lang: [p.name for p in catalog_files(lang)] for lang in LANGUAGES}
    assert names["id"] == names["en"]
    for lang in LANGUAGES:
        seen: dict[str, str] = {}
        for path in catalog_files(lang):
            for key in json.loads(path.read_text(encoding="utf-8")):
                assert key not in seen, f"{key} in {path.name} and {seen[key]}"
                seen[key] = path.name


def test_every_key_used_in_the_code_exists():
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "kimtrain"
    literal = re.compile(r"""(?:\bt\(|Error\(|bad\(|issue\()\s*"([a-z_]+\.[a-zA-Z0-9_.]+)\"""")
    used = set()
    for path in package.rglob("*.py"):
        used.update(literal.findall(path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if k not in catalog("id"))
    assert not missing


def test_indonesian_is_the_default_and_english_is_a_switch(monkeypatch):
    assert get_language() == "id"
    assert t("widget.start") == "Mulai"
    monkeypatch.setenv("KIMTRAIN_LANG", "en")
    assert t("widget.start") == "Start"
    set_language("id")  # an explicit choice wins over the environment
    assert t("widget.start") == "Mulai"
    with pytest.raises(ValueError):
        set_language("fr")


def test_parameters_are_filled_in():
    assert t("widget.number", number=3, total=12) == "Soal 3 dari 12"
    assert t("widget.number", lang="en", number=3, total=12) == "Question 3 of 12"


def test_cli_language_switch():
    def run(*args):
        return subprocess.run([sys.executable, "-m", "kimtrain", *args, "bank", "check",
                               "/nonexistent.yaml"], capture_output=True, text=True)

    indonesian = run()
    english = run("--lang", "en")
    assert indonesian.returncode == english.returncode == 1
    assert "file tidak ditemukan" in indonesian.stdout
    assert "file not found" in english.stdout


def test_argparse_own_messages_follow_the_language():
    missing = subprocess.run([sys.executable, "-m", "kimtrain", "bank"], capture_output=True,
                             text=True)
    assert missing.returncode == 2
    assert "argumen berikut wajib diisi" in missing.stderr
    english = subprocess.run([sys.executable, "-m", "kimtrain", "--lang", "en", "bank"],
                             capture_output=True, text=True)
    assert "the following arguments are required" in english.stderr
