"""Practice mode: instant feedback, retry, reveal, the running score, the game, the checkers."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kimtrain.bank import check_banks
from kimtrain.errors import BankError, KimtrainError
from kimtrain.practice import HoaksAtauFakta, Latihan, Pemeriksa, check_answer, check_draft, latihan
from kimtrain.practice.banks import load_practice, practice_banks
from kimtrain.widgets.practice import PracticeWidget


def card(session: Latihan, item_id: str) -> PracticeWidget:
    widget = session.soal(item_id)
    assert isinstance(widget, PracticeWidget)
    return widget


@pytest.fixture
def kim() -> Latihan:
    return Latihan("kim", show=False)


def test_every_practice_bank_is_valid_and_uses_lat_ids():
    banks = practice_banks()
    assert len(banks) >= 10
    items, issues = check_banks(banks)
    assert issues == []
    assert items and all(item.id.startswith("LAT-") for item in items)


def test_a_wrong_tap_explains_why_and_offers_retry_and_reveal(kim):
    widget = card(kim, "LAT-KIM-ARAH")
    assert widget.mode == "practice" and widget.actions == []  # single: judged on the tap
    widget.set_state({"value": "A"})  # what a tap in the browser sends
    assert widget.feedback["verdict"] == "wrong"
    assert "posyandu dari puskesmas" in widget.feedback["text"]  # the option's own feedback
    assert "bawah ke atas" not in widget.feedback["text"]  # the answer is not given away
    assert widget.disabled and widget.actions == ["retry", "reveal"]

    kim._on_action(widget, "retry", {"event": "retry"})
    assert widget.value is None and widget.feedback == {} and not widget.disabled

    widget.set_state({"value": "B"})
    assert widget.feedback["verdict"] == "correct" and widget.feedback["title"] == "Tepat!"
    assert "aspirasi" in widget.feedback["text"]  # the explanation comes with a right answer
    assert kim.summary() == {"total": 1, "tried": 1, "solved": 1, "first_try": 0,
                             "revealed": 0}


def test_reveal_shows_the_answer_and_a_later_right_answer_is_not_counted_as_solved(kim):
    widget = card(kim, "LAT-KIM-KOTIM")
    assert widget.actions == ["check"]  # numbers are checked on request, not per keystroke
    kim._on_action(widget, "check", {"event": "check", "value": "12"})
    assert widget.feedback["verdict"] == "wrong"
    assert "lebih besar dari 12" in widget.feedback["text"]
    kim._on_action(widget, "reveal", {"event": "reveal"})
    assert widget.feedback["verdict"] == "reveal" and "**17** kecamatan" in widget.feedback["text"]
    assert widget.actions == ["retry"]
    kim._on_action(widget, "retry", {"event": "retry"})
    kim._on_action(widget, "check", {"event": "check", "value": "17"})
    assert widget.feedback["verdict"] == "correct"
    assert kim.summary()["solved"] == 0 and kim.summary()["revealed"] == 1


def test_a_value_that_is_not_an_answer_is_explained_and_not_counted(kim):
    widget = card(kim, "LAT-KIM-KOTIM")
    kim._on_action(widget, "check", {"event": "check", "value": "tujuh belas"})
    assert widget.feedback["verdict"] == "invalid" and "bukan angka" in widget.feedback["text"]
    assert not widget.disabled and widget.actions == ["check"]
    assert kim.attempts["LAT-KIM-KOTIM"].tries == 0


def test_multiple_choice_gets_partial_feedback_and_the_score_card_follows(kim):
    score = kim.skor()
    widget = card(kim, "LAT-KIM-FUNGSI")
    # right/keys - wrong/distractors: 3/4 - 1/2 is partial credit (2/4 - 1/2 would be 0)
    widget.set_state({"value": ["A", "B", "C", "E"]})
    assert widget.feedback == {}  # nothing judged until "Cek jawaban"
    kim._on_action(widget, "check", {"event": "check"})
    assert widget.feedback["verdict"] == "partial"
    assert "3 dari 4 jawaban yang benar, dan 1 pilihan yang keliru" in widget.feedback["text"]
    assert "nonpartisan" in widget.feedback["text"]  # feedback on the wrong option chosen
    first = card(kim, "LAT-KIM-DEFINISI")
    first.set_state({"value": "A"})
    assert score.result["score"] == "1 dari 2 benar pada percobaan pertama"


def test_actions_the_session_did_not_offer_are_ignored(kim):
    widget = card(kim, "LAT-KIM-ARAH")
    widget._message(widget, {"event": "reveal"}, [])  # not offered before an answer
    assert widget.feedback == {}


def test_true_false_explains_at_once_because_a_retry_would_be_a_coin_toss(kim):
    widget = card(kim, "LAT-KIM-NONPARTISAN")
    widget.set_state({"value": True})
    assert widget.feedback["verdict"] == "wrong"
    assert "**Salah**" in widget.feedback["text"] and "nonpartisan" in widget.feedback["text"]
    assert widget.actions == ["retry"]


def test_practice_text_in_english_falls_back_to_the_items_indonesian():
    item = load_practice("aman")["LAT-AMAN-TILANG"]
    feedback = check_answer(item, "A", "en")
    assert feedback.title == "Not quite" and "Try again" in feedback.text


def test_unknown_items_and_banks_are_clear_errors(kim, tmp_path):
    with pytest.raises(KimtrainError) as err:
        kim.soal("LAT-KIM-TIDAKADA")
    assert "LAT-KIM-TIDAKADA" in str(err.value) and "LAT-KIM-ARAH" in str(err.value)
    with pytest.raises(BankError) as missing:
        Latihan(tmp_path / "latihan-x.yaml")
    assert "file tidak ditemukan" in str(missing.value)
    with pytest.raises(KimtrainError):
        latihan("LAT-KIM-ARAH")  # no bank named


def test_one_card_on_its_own():
    from kimtrain.practice.banks import load_practice

    key = load_practice("cakap")["LAT-CAKAP-BAGI"].key  # keys are spread over A-D (issue 11)
    widget = latihan("LAT-CAKAP-BAGI", bank="cakap", show=False)
    widget.set_state({"value": key})
    assert widget.feedback["verdict"] == "correct"


def test_assessment_mode_never_reveals(course):
    from kimtrain.assessment.blueprint import load_blueprint
    from kimtrain.assessment.build import build_assessment
    from kimtrain.widgets import Assessment

    from .conftest import TEST_BLUEPRINT

    folder = build_assessment(load_blueprint(TEST_BLUEPRINT), course.root).parent
    session = Assessment("pretest", folder, participant="KIM-001")
    session.soal("AMAN-APK-01")
    widget = session.widgets["AMAN-APK-01"]
    widget.set_state({"value": "A"})  # a wrong answer in a test
    assert widget.status == "saved" and widget.feedback == {}
    assert not hasattr(widget, "mode") and not hasattr(widget, "actions")


def test_the_game_scores_discernment_and_moves_claim_by_claim():
    game = HoaksAtauFakta("hoaks", set="kotim", show=False)
    game.mulai()
    facts = sum(1 for i in game.claims if i.key is True)
    assert facts and facts < len(game.claims)  # a mix of facts and hoaxes
    first = game.card
    assert first.labels["number"] == f"Klaim 1 dari {len(game.claims)}"
    first.set_state({"value": True})  # "Fakta" for every claim: a credulous player
    assert first.actions == ["next"] and first.feedback["verdict"] in ("correct", "wrong")
    first._message(first, {"event": "next"}, [])
    assert game.card is not first and game.position == 1
    while True:
        game.card.set_state({"value": True})
        if game.card.actions == ["restart"]:
            break
        game._on_action(game.card, "next", {})
    result = game.result()
    assert result.answered == result.total == len(game.claims)
    assert result.hit_rate == 1.0 and result.false_alarm_rate == 1.0
    assert result.discernment == 0.0  # believing everything is not discernment
    assert "Skor ketepatan membedakan: +0,00" in game.score_widget.result["lines"][-1]
    game._on_action(game.card, "restart", {})
    assert game.result().answered == 0 and game.position == 0


def test_the_game_refuses_a_bank_without_claims():
    with pytest.raises(KimtrainError) as err:
        HoaksAtauFakta("cakap", set="kotim", show=False)
    assert "klaim" in str(err.value)


NEWS = """42 Balita Ditimbang di Posyandu Melati Bapeang
Posyandu Melati di Desa Bapeang menimbang 42 balita pada Sabtu (14/3/2026) pukul 08.00 WIB.
Penimbangan dilakukan untuk memantau tumbuh kembang balita. Bidan menimbang setiap balita
dengan cara bergiliran. "Tiga balita kami rujuk," kata bidan desa, Rahmawati.
"Kegiatannya sangat membantu," ujar Siti, warga RT 03."""


def test_the_news_checker_finds_5w1h_and_leaves_quoted_opinions_alone():
    good = check_draft("berita", NEWS)
    assert good.missing == [] and good.flags == () and good.verdict == "correct"
    bad = check_draft("berita", "Kerja bakti berlangsung sangat meriah dan luar biasa. "
                                "Menurut saya kegiatan terbaik tahun ini.")
    assert {"kapan", "dimana", "narasumber", "judul"} <= set(bad.missing)
    assert {f.word for f in bad.flags} >= {"sangat", "meriah", "luar biasa", "terbaik",
                                           "menurut saya"}


def test_a_clickbait_headline_is_flagged():
    result = check_draft("berita", "HEBOH!! Balita Bapeang Viral\n" + NEWS.split("\n", 1)[1])
    assert {(f.word, f.reason) for f in result.flags} >= {
        ("heboh", "clickbait"), ("viral", "clickbait"), ("HEBOH", "shouting"),
        ("!", "exclamation")}


def test_comment_announcement_and_listing_checkers():
    rude = check_draft("komentar", "DASAR PEMDES TIDAK BECUS!!! Pasti dananya dikorupsi.")
    assert {"santun", "tenang", "sapaan"} <= set(rude.missing)
    polite = check_draft("komentar", "Bapak/Ibu, lampu jalan di RT 05 mati sebulan. "
                                     "Mohon info kapan diperbaiki? Terima kasih.")
    assert polite.verdict == "correct"
    assert "privasi" in check_draft("komentar", "Mohon dibantu, NIK saya 6202011234567890").missing
    post = check_draft("pengumuman", "Ibu-ibu, posyandu buka Sabtu 14 Maret pukul 08.00 "
                                     "di balai desa Bapeang. Bawa Buku KIA. Sumber: Puskesmas "
                                     "Baamang. Info lebih lanjut hubungi kantor desa.")
    assert post.verdict == "correct"
    listing = check_draft("produk", "Amplang 250 gram dari ikan tenggiri, asal Ujung Pandaran. "
                                    "Rp25.000. Pesan lewat WA. Paling enak, 100% menyembuhkan!")
    assert listing.missing == [] and {f.word for f in listing.flags} >= {"paling", "100%",
                                                                        "menyembuhkan"}


def test_the_draft_widget_checks_on_request():
    widget = Pemeriksa("berita", show=False)
    widget._message(widget, {"event": "check", "text": "   "}, [])
    assert widget.result["verdict"] == "invalid"
    widget._message(widget, {"event": "check", "text": NEWS}, [])
    assert widget.text == NEWS and widget.result["verdict"] == "correct"
    assert widget.result["summary"].startswith("8 dari 8 unsur sudah ada")
    assert all(ok for ok, _label, _detail in widget.result["checks"])
    with pytest.raises(KimtrainError):
        Pemeriksa("puisi", show=False)


def test_importing_practice_stays_light():
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", "import kimtrain.practice"],
                         capture_output=True, text=True, check=True)
    modules = {line.split("|")[-1].strip().split(".")[0] for line in run.stderr.splitlines()
               if "|" in line}
    assert "kimtrain" in modules
    assert not modules & {"pandas", "matplotlib", "nbgrader", "nbformat", "yaml"}


def test_running_practice_loads_no_pandas_matplotlib_or_nbgrader():
    script = (
        "import sys\n"
        "from kimtrain.practice import HoaksAtauFakta, Latihan, check_draft\n"
        "latihan = Latihan('aman', show=False)\n"
        "latihan.soal('LAT-AMAN-TILANG').set_state({'value': 'B'})\n"
        "HoaksAtauFakta('hoaks', show=False).mulai()\n"
        "check_draft('berita', 'Kerja bakti di Desa Bapeang, Sabtu.')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules}"
        " & {'pandas', 'matplotlib', 'nbgrader', 'nbformat'}))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True)
    assert run.stdout.strip() == "[]"
