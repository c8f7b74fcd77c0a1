"""The declared public surface of each package, pinned."""

from __future__ import annotations

import importlib

import pytest

EXPECTED = {
    "kimtrain": ["KimtrainError", "__version__", "set_language", "t"],
    "kimtrain.bank": ["AUTOGRADED_TYPES", "COMPETENCIES", "DOMAINS", "ITEM_TYPES", "Criterion",
                      "Item", "check_banks", "competency_name", "domain_name", "load_banks"],
    "kimtrain.items": ["BLANK", "CORRECT", "INVALID", "MANUAL", "PARTIAL", "WRONG",
                       "FieldCheck", "ItemType", "UnknownItemType", "Verdict", "all_types",
                       "answer_text", "front_end", "get", "names", "normalise"],
    "kimtrain.answers": ["Answer", "AnswerSheet", "AnswerStore", "FileAnswerStore",
                         "MemoryAnswerStore", "is_blank", "normalise_response",
                         "normalise_text", "parse_number", "participant_id", "read_sheet",
                         "sheet_filename"],
    "kimtrain.widgets": ["Assessment", "CheckWidget", "IdentifyHook", "IdentityWidget",
                         "ItemWidget", "SubmitHook", "SubmitWidget",
                         "record_answer"],
    "kimtrain.grading": ["RESULT_MIME", "ItemResult", "ItemScore", "grade_item",
                         "read_results", "score_item"],
    "kimtrain.course": ["Course", "assessments_dir", "create_course", "open_course"],
    "kimtrain.practice": ["Attempt", "Check", "DraftCheck", "Flag", "GameResult",
                          "HoaksAtauFakta", "Latihan", "PracticeFeedback", "Pemeriksa",
                          "check_answer", "check_draft", "latihan"],
    "kimtrain.widgets.practice": ["DraftWidget", "PracticeWidget", "ScoreWidget"],
    "kimtrain.lab": ["LOCALE", "LabWorkspace", "curriculum_dir", "lab_command",
                     "language_pack_installed", "prepare_workspace"],
    "kimtrain.feedback": ["ItemFeedback", "ParticipantFeedback", "collect_feedback",
                          "render_page", "write_feedback"],
    "kimtrain.serve": ["AssessmentStatus", "ParticipantStatus", "Presence", "ServedAssessment",
                       "ServedModule", "Workshop", "place_submission", "prepare_workshop",
                       "read_presence", "record_presence", "serve_root", "sweep",
                       "workshop_status"],
    "kimtrain.reports": ["DEFAULT_CUT", "Report", "ReportFiles", "ReportOptions", "build_report",
                         "write_report"],
}


@pytest.mark.parametrize("module", sorted(EXPECTED))
def test_all_is_pinned(module):
    mod = importlib.import_module(module)
    assert sorted(mod.__all__) == sorted(EXPECTED[module])
    for name in mod.__all__:
        assert hasattr(mod, name)
