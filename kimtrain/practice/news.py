"""The village-news checker: 5W+1H, named sources, opinion words, an honest headline.

It looks for the signs of each element in an Indonesian draft — *siapa* (a person
or role), *kapan* (a day, date or time), *di mana* (a place, including Kotim's
kecamatan, desa and kelurahan names), *mengapa* (a reason), *bagaimana* (a manner)
— counts attributed sources ("kata", "ujar", "menurut" ...), and flags opinion
words the writer uses in their own voice. Words inside quotation marks belong to
a source and are not flagged: quoting an opinion is reporting, writing it is not.
"""

from __future__ import annotations

import re
from functools import cache

from kimtrain.practice.drafts import (
    Check,
    DraftCheck,
    Flag,
    first_match,
    flags_for,
    outside_quotes,
    register,
    sentences,
    shouting,
    words_pattern,
)

__all__ = ["OPINION_WORDS", "check_news", "place_pattern"]

PEOPLE = words_pattern([
    "kepala desa", "kades", "lurah", "camat", "bupati", "wakil bupati", "sekretaris desa",
    "sekdes", "perangkat desa", "ketua", "wakil ketua", "sekretaris", "bendahara", "kader",
    "bidan", "perawat", "dokter", "petugas", "warga", "ibu", "bapak", "pak", "bu", "guru",
    "kepala sekolah", "pengurus", "anggota", "karang taruna", "PKK", "BPD", "kapolsek",
    "babinsa", "bhabinkamtibmas", "nelayan", "petani", "pengrajin", "perajin", "pedagang",
    "pemuda", "siswa", "pelajar", "lansia", "balita", "relawan", "panitia", "tim",
    "Diskominfo", "puskesmas", "pemerintah desa", "pemdes", "KIM",
])
WHEN = re.compile(
    r"(?<![\w-])(?=\w)(senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad|januari|februari|"
    r"maret|april|mei|juni|juli|agustus|september|oktober|november|desember|pukul|jam|wib|"
    r"tanggal|hari ini|kemarin|besok|pagi|siang|sore|malam|pekan lalu|bulan lalu|"
    r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|20\d\d)(?![\w-])", re.IGNORECASE)
WHERE = re.compile(
    r"(?<![\w-])(?=[dD])di (desa|kelurahan|kecamatan|kabupaten|balai|aula|kantor|lapangan|posyandu|"
    r"puskesmas|pustu|polindes|masjid|musala|gereja|sekolah|pasar|dermaga|pelabuhan|pantai|"
    r"jalan|jl\.?|rumah|gedung|halaman|sungai|kebun|sawah|tpi|rt|dusun)(?![\w-])",
    re.IGNORECASE)
WHY = words_pattern([
    "karena", "sebab", "disebabkan", "akibat", "agar", "supaya", "untuk", "bertujuan",
    "tujuannya", "dalam rangka", "demi", "alasan", "alasannya", "menyusul", "guna",
])
HOW = words_pattern([
    "dengan cara", "caranya", "melalui", "secara", "dengan", "dilakukan", "langkah",
    "tahap", "bergotong royong", "gotong royong", "menggunakan", "memakai", "lewat",
])
WHAT = re.compile(r"(?<![\w-])(?=[mbdtMBDT])(me[mnyg]?|ber|di|ter)[a-z]{3,}(?![\w-])",
                  re.IGNORECASE)
SOURCE = re.compile(
    r"(?<![\w-])(?=\w)(kata|ujar|ucap|ungkap|jelas|tutur|terang|sebut|tegas|imbuh|tambah)(nya)?"
    r"(?![\w-])|(?<![\w-])(menurut|mengatakan|menjelaskan|menyampaikan|mengungkapkan|"
    r"menuturkan|menegaskan|menambahkan)(?![\w-])", re.IGNORECASE)

# Words that judge rather than report, when the writer uses them in their own voice.
OPINION_WORDS = (
    "sangat", "amat", "luar biasa", "terbaik", "terburuk", "terbesar", "terhebat",
    "hebat", "megah", "indah", "cantik", "mantap", "keren", "spektakuler", "fantastis",
    "memukau", "meriah", "sukses besar", "gemilang", "membanggakan", "memalukan", "parah",
    "buruk", "jelek", "payah", "lamban", "malas", "tidak becus", "pasti", "tentu saja",
    "jelas sekali", "saya rasa", "menurut saya", "menurut kami", "sepertinya", "tampaknya",
    "seharusnya", "semestinya", "heboh", "viral", "dahsyat", "paling", "sayangnya",
    "untungnya", "bagus", "sempurna",
)
OPINION = words_pattern(OPINION_WORDS)
CLICKBAIT = words_pattern([
    "heboh", "viral", "terungkap", "mengejutkan", "bikin geger", "ternyata", "wow",
    "tak disangka", "gempar", "merinding", "wajib tahu", "sebarkan",
])


@cache
def place_pattern() -> re.Pattern[str]:
    from kimtrain.course.regions import load_regions

    names = {"Sampit", "Kotim", "Kotawaringin Timur", "Ujung Pandaran", "Kotabesi"}
    for region in load_regions():
        names.update({region.name, region.kecamatan})
    alternatives = sorted((re.escape(n) for n in names), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?=\w)(" + "|".join(alternatives) + r")(?![\w-])")


def _split_headline(text: str) -> tuple[str, str]:
    lines = [line.strip() for line in text.strip().splitlines()]
    if len(lines) > 1 and lines[0] and len(lines[0].split()) <= 15 \
            and not lines[0].endswith("."):
        return lines[0], "\n".join(lines[1:]).strip()
    return "", text.strip()


@register("berita")
def check_news(text: str) -> DraftCheck:
    """5W+1H, at least two attributed sources, opinion words and the headline."""
    headline, body = _split_headline(text)
    first = next(iter(sentences(body)), "")
    place = first_match(WHERE, body) or first_match(place_pattern(), body)
    sources = SOURCE.findall(body)
    checks = (
        Check("apa", bool(first and len(first.split()) >= 6 and WHAT.search(first)),
              " ".join(first.split()[:8]) + ("…" if len(first.split()) > 8 else "")),
        Check("siapa", bool(PEOPLE.search(body)), first_match(PEOPLE, body)),
        Check("kapan", bool(WHEN.search(body)), first_match(WHEN, body)),
        Check("dimana", bool(place), place),
        Check("mengapa", bool(WHY.search(body)), first_match(WHY, body)),
        Check("bagaimana", bool(HOW.search(body)), first_match(HOW, body)),
        Check("narasumber", len(sources) >= 2, str(len(sources))),
        Check("judul", bool(headline), headline),
    )
    flags = flags_for(OPINION, outside_quotes(body), "opinion")
    if headline:
        flags += flags_for(CLICKBAIT, headline, "clickbait")
        flags += [Flag(w, "shouting") for w in dict.fromkeys(shouting(headline))]
        if "!" in headline:
            flags.append(Flag("!", "exclamation"))
    return DraftCheck("berita", checks, tuple(flags))
