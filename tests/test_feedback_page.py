"""The participant's feedback page encourages: a short card first (total against the cut,
progress since the pre-test, two strengths, two things to learn next with the module),
the item list only after the key is released — wrong answers first, correct ones folded
— partial credit explained, and whatever the participant typed shown as text."""

from __future__ import annotations

import re

from kimtrain.feedback import ItemFeedback, ParticipantFeedback, render_page

OPTIONS = [["A", "Benar"], ["B", "Salah"], ["C", "Ragu"]]


def _item(number: int, competency: str, verdict: str, points: float, **kw) -> ItemFeedback:
    domain = {"A": "aman", "C": "cakap", "N": "media", "M": "media"}[competency[0]]
    base = dict(number=number, item=f"S-{number}", type="single", domain=domain,
                competency=competency, stem=f"Soal nomor {number}", options=OPTIONS,
                response="A", points=points, max_points=1.0, verdict=verdict, key="A")
    base.update(kw)
    return ItemFeedback(**base)


def _page(revealed: bool, previous=None) -> ParticipantFeedback:
    items = [
        _item(1, "A1", "correct", 1.0),
        _item(2, "A1", "correct", 1.0),
        _item(3, "C1", "wrong", 0.0, response="B"),
        _item(4, "M4", "partial", 1 / 3, type="multiple", response=["A", "C"], key=["A", "B"],
              max_points=1.0),
        _item(5, "N1", "partial", 1.0, type="written", max_points=3.0, options=[],
              stem="Tulis berita desa.\nGunakan 5W+1H.\n- Siapa\n- Apa",
              response="Judul <script>alert(1)</script>\nIsi berita", key=None),
        _item(6, "C1", "blank", 0.0, response=None),
    ]
    return ParticipantFeedback("posttest", "Tes Akhir", "KIM-007", "Rudi (contoh)", items,
                               revealed, cut=70.0, previous=previous,
                               previous_title="Tes Awal")


def test_first_card_has_total_cut_progress_strengths_and_next_steps():
    page = render_page(_page(False, previous=(10.0, 40.0)), "id")
    total = re.search(r'class="total">([^<]+)<', page).group(1)
    assert total == "3,33 dari 8 poin (42%)"
    assert "Nilai batas 70% belum tercapai — kurang 28 poin persen" in page
    assert "dari 25% menjadi 42% (+17 poin)" in page
    assert "Kekuatan Anda" in page and "A1 · Mengenali phishing" in page
    strengths = page[page.index("Kekuatan Anda"):page.index("Yang perlu dipelajari")]
    assert "C1" not in strengths
    learn = page[page.index("Yang perlu dipelajari"):]
    assert "C1 · " in learn and "buka lagi modul 02 Cakap Digital" in learn
    assert page.index("Kekuatan Anda") < page.index("Per domain")  # the short card first


def test_before_the_key_only_totals_and_domains():
    page = render_page(_page(False), "id")
    assert "Per domain" in page and "Aman Digital" in page
    assert "Soal nomor 3" not in page and 'class="v wrong"' not in page
    assert "Daftar soal satu per satu akan muncul" in page
    assert "<script" not in page


def test_after_the_key_wrong_first_correct_folded_partial_explained():
    page = render_page(_page(True), "id")
    order = [int(n) for n in re.findall(r'id="soal-(\d+)"', page)]
    assert order == [3, 6, 4, 5, 1, 2]  # wrong, blank, partial …, then the correct ones
    folded = page[page.index("<details><summary>Soal yang Anda jawab benar (2)"):]
    assert 'id="soal-1"' in folded and 'id="soal-3"' not in folded
    assert "0,33 dari 1 poin" in page and "sebagian pilihan Anda tepat" in page
    assert "bagian rubrik yang sudah terpenuhi" in page
    # what the participant typed is text; the prompt keeps its line breaks
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Tulis berita desa.<br>Gunakan 5W+1H.<br>- Siapa" in page
    assert 'class="answer written"' in page


def test_english_page_uses_english_numbers():
    from kimtrain.i18n import set_language

    set_language("en")
    try:
        page = render_page(_page(True, previous=(10.0, 40.0)), "en")
    finally:
        set_language(None)
    assert "3.33 of 8 points (42%)" in page and "Your strengths" in page
