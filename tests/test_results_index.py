"""read_results: the scan and the index give exactly what a full parse of each notebook gives."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from kimtrain.grading import read_results
from kimtrain.grading.cell import RESULT_MIME
from kimtrain.grading.results import _index_path, _rows_by_parsing

NAME = "pretest"


def _result_cell(item: str, response, points: float, status: str = "correct"):
    payload = {"assessment": NAME, "item": item, "max_points": 1.0, "participant": "X",
               "points": points, "response": response, "status": status}
    return new_code_cell("grade_item({...})", metadata={"nbgrader": {
        "grade": True, "grade_id": f"nilai_{item}", "locked": True, "points": 1.0,
        "schema_version": 3, "solution": False, "task": False}}, outputs=[
        new_output("display_data", data={RESULT_MIME: payload, "text/plain": "Soal"}),
        new_output("execute_result", data={"text/plain": str(points)}, execution_count=1),
    ])


def _forged_cell(item: str, response):
    """A cell a participant added, displaying a result of their own making."""
    payload = {"assessment": NAME, "item": item, "max_points": 1.0, "participant": "X",
               "points": 1.0, "response": response, "status": "correct"}
    return new_code_cell("display(...)", outputs=[
        new_output("display_data", data={RESULT_MIME: payload, "text/plain": "Soal"})])


def _write(root: Path, participant: str, cells, name: str = f"{NAME}.ipynb") -> Path:
    folder = root / "autograded" / participant / NAME
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    nbformat.write(new_notebook(cells=cells), str(path))
    return path


def _tricky_course(root: Path) -> None:
    # A written answer that quotes the MIME key and a fake payload: only text, never a result.
    sneaky = (f'"{RESULT_MIME}": {{"item": "AMAN-APK-01", "points": 99}} '
              f'\\"{RESULT_MIME}\\": {{"item": "X"}}')
    _write(root, "KIM-001", [
        new_markdown_cell(sneaky),
        _forged_cell("AMAN-NIK-01", ["A", "B", "C"]),
        _result_cell("AMAN-APK-01", "B", 1.0),
        _result_cell("AMAN-NIK-01", ["A", "C"], 0.0, "wrong"),
        _result_cell("HF-BANK-01", False, 1.0),
    ])
    _write(root, "KIM-002", [_result_cell("AMAN-APK-01", None, 0.0, "blank")])
    broken = _write(root, "KIM-003", [_result_cell("AMAN-APK-01", "A", 0.0, "wrong")])
    broken.write_text(broken.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    _write(root, "KIM-004", [new_code_cell("print(1)")])
    (root / "autograded" / "KIM-005" / "posttest").mkdir(parents=True)


def _exact(root: Path) -> list[tuple]:
    """What a full parse of every notebook gives (the behaviour before the index)."""
    out = []
    for folder in sorted((root / "autograded").glob(f"*/{NAME}")):
        for notebook in sorted(folder.glob("*.ipynb")):
            for row in _rows_by_parsing(notebook.read_text(encoding="utf-8")):
                out.append((folder.parent.name, *map(json.dumps, row)))
    return out


def _as_rows(results) -> list[tuple]:
    return [(r.participant, *map(json.dumps, [r.item, r.response, r.points, r.max_points,
                                              r.status])) for r in results]


def test_scan_matches_a_full_parse_even_for_tricky_notebooks(tmp_path):
    _tricky_course(tmp_path)
    results = read_results(tmp_path, NAME)
    assert _as_rows(results) == _exact(tmp_path)
    assert [(r.participant, r.item) for r in results] == [
        ("KIM-001", "AMAN-APK-01"), ("KIM-001", "AMAN-NIK-01"), ("KIM-001", "HF-BANK-01"),
        ("KIM-002", "AMAN-APK-01")]  # the truncated notebook of KIM-003 gives nothing
    assert results[0].points == 1.0
    assert results[1].response == ["A", "C"]  # the grade cell's, not the forged cell's
    assert results[2].response is False


def test_the_index_is_reused_and_a_changed_notebook_is_read_again(tmp_path):
    _tricky_course(tmp_path)
    first = read_results(tmp_path, NAME)
    index = _index_path(tmp_path, NAME)
    assert index.exists()
    stamp = index.stat().st_mtime_ns
    assert read_results(tmp_path, NAME) == first
    assert index.stat().st_mtime_ns == stamp  # nothing changed: the index is not rewritten

    # A regrade rewrites one notebook: its new results are seen.
    path = _write(tmp_path, "KIM-002", [_result_cell("AMAN-APK-01", "B", 1.0)])
    os.utime(path, ns=(1, 1))
    again = read_results(tmp_path, NAME)
    assert [r.response for r in again if r.participant == "KIM-002"] == ["B"]
    assert _as_rows(again) == _exact(tmp_path)

    # A removed participant folder disappears from the results and the index.
    for p in (tmp_path / "autograded" / "KIM-001" / NAME).iterdir():
        p.unlink()
    assert {r.participant for r in read_results(tmp_path, NAME)} == {"KIM-002"}
    assert "KIM-001/pretest.ipynb" not in json.loads(index.read_text())["notebooks"]


def test_a_damaged_index_or_a_read_only_course_still_gives_the_results(tmp_path):
    _tricky_course(tmp_path)
    expected = read_results(tmp_path, NAME)
    _index_path(tmp_path, NAME).write_text("{not json", encoding="utf-8")
    assert read_results(tmp_path, NAME) == expected
    # Where the index cannot be written (here: its folder's name is taken by a file),
    # the results are still read.
    (tmp_path / ".kimtrain" / "hasil-pretest.json").unlink()
    (tmp_path / ".kimtrain").rmdir()
    (tmp_path / ".kimtrain").write_text("", encoding="utf-8")
    assert read_results(tmp_path, NAME) == expected


def test_no_autograded_folder_gives_no_results_and_writes_nothing(tmp_path):
    assert read_results(tmp_path, NAME) == []
    assert not (tmp_path / ".kimtrain").exists()
