"""Checkers for the other drafts KIM members write: a comment, a post, a listing.

* ``komentar`` — a hostile comment rewritten civilly (Etika Digital, E1): no insults
  or accusations, no shouting, a polite word, a clear point or request, no personal data.
* ``pengumuman`` — an official announcement retold for residents (K1): the source,
  the date, time and place, short sentences, a place to ask, no "sebarkan!" pressure.
* ``produk`` — an honest UMKM product listing (U1, U2): price, size or weight, what it
  is made of and where, how to order and pay, and no claims a seller cannot back up.
"""

from __future__ import annotations

import re

from kimtrain.practice.drafts import (
    Check,
    DraftCheck,
    Flag,
    first_match,
    flags_for,
    register,
    sentences,
    shouting,
    words_pattern,
)
from kimtrain.practice.news import WHEN, WHERE, place_pattern

__all__ = ["check_announcement", "check_comment", "check_listing"]

INSULTS = words_pattern([
    "bodoh", "goblok", "goblog", "tolol", "bego", "dungu", "idiot", "sialan", "anjing",
    "bangsat", "brengsek", "kurang ajar", "kampungan", "norak", "tidak becus", "nggak becus",
    "gak becus", "otak udang", "dasar", "biadab", "sampah", "muka tembok", "lebay", "malas",
])
ACCUSATIONS = words_pattern([
    "korupsi", "dikorupsi", "korup", "koruptor", "maling", "pencuri", "penipu", "pembohong",
    "makan uang", "tukang tipu", "pungli",
])
POLITE = words_pattern([
    "mohon", "maaf", "terima kasih", "makasih", "tolong", "silakan", "permisi", "izin",
    "semoga", "kami harap", "saya harap", "berharap", "bapak", "ibu", "pak", "bu",
])
POINT = words_pattern([
    "mohon", "bisakah", "apakah", "kapan", "usul", "usulan", "saran", "sarankan", "harap",
    "minta", "meminta", "tolong", "sebaiknya", "bagaimana", "mengapa", "kenapa",
])
PERSONAL = re.compile(r"\b\d{16}\b|(?<!\d)(\+62|62|0)8\d{2}[- ]?\d{3,4}[- ]?\d{3,5}(?!\d)")

SOURCE_WORDS = re.compile(
    r"(?<![\w-])(?=\w)(sumber|menurut|dari (dinas|puskesmas|pemerintah|pemkab|pemdes|kantor|"
    r"diskominfo|kemensos|kementerian|bpjs|kpu|bmkg|kecamatan|kelurahan|desa)|"
    r"(?<![\w.-])[\w.-]+\.(go|desa)\.id)", re.IGNORECASE)
ASK = words_pattern([
    "hubungi", "tanyakan", "bertanya", "informasi lebih lanjut", "info lebih lanjut",
    "narahubung", "kontak", "datang ke", "kantor desa", "kantor kelurahan",
])
PRESSURE = words_pattern([
    "sebarkan", "viralkan", "bagikan ke semua", "segera sebar", "jangan berhenti di kamu",
    "jangan berhenti di anda", "wajib share", "share sebanyak",
])

# A number is read from the start of its run of digits and dots only: started at every
# digit after a dot, "1.1.1.1…" took time growing with the square of its length.
PRICE = re.compile(r"(?i)\bRp\.?\s?\d[\d.,]*+|(?<![\w.])\d[\d.]*+\s?(ribu|rb|juta)\b")
SIZE = re.compile(
    r"(?i)\b\d+([.,]\d+)?\s?(gr|gram|g|kg|ons|cm|mm|m|meter|ml|liter|l|buah|pcs|lembar|"
    r"bungkus|toples|ikat|biji|pasang|set)\b")
MATERIAL = words_pattern([
    "bahan", "terbuat", "dibuat dari", "asli", "anyaman", "rotan", "udang", "ikan",
    "tenggiri", "bandeng", "tepung", "buatan", "olahan", "produksi",
])
ORDER = words_pattern([
    "pesan", "pemesanan", "order", "whatsapp", "wa", "whatsapp business", "cod",
    "bayar di tempat", "marketplace", "lokapasar", "shopee", "tokopedia", "ambil di",
    "katalog", "ongkir", "dikirim", "kirim",
])
OVERCLAIM = words_pattern([
    "100%", "terbaik", "nomor 1", "no. 1", "no 1", "paling", "dijamin", "garansi seumur hidup",
    "pasti", "menyembuhkan", "obat", "tanpa efek samping", "termurah", "terlaris",
    "satu-satunya", "ajaib", "kualitas ekspor", "sertifikat", "bpom", "halal",
])
RISKY_PAYMENT = words_pattern([
    "transfer dulu", "transfer ke rekening pribadi", "kirim kode", "kode otp", "minta otp",
])


@register("komentar")
def check_comment(text: str) -> DraftCheck:
    insults = flags_for(INSULTS, text, "insult")
    accusations = flags_for(ACCUSATIONS, text, "accusation")
    loud = list(dict.fromkeys(shouting(text)))
    personal = PERSONAL.search(text)
    checks = (
        Check("santun", not insults and not accusations),
        Check("tenang", not loud and "!!" not in text),
        Check("sapaan", bool(POLITE.search(text)), first_match(POLITE, text)),
        Check("pokok", bool(POINT.search(text) or "?" in text),
              first_match(POINT, text) or ("?" if "?" in text else "")),
        Check("privasi", personal is None),
    )
    flags = insults + accusations + [Flag(w, "shouting") for w in loud]
    if personal:
        flags.append(Flag(personal.group(0)[:6] + "…", "personal"))
    return DraftCheck("komentar", checks, tuple(flags))


@register("pengumuman")
def check_announcement(text: str) -> DraftCheck:
    parts = sentences(text)
    average = sum(len(s.split()) for s in parts) / len(parts) if parts else 0
    place = first_match(WHERE, text) or first_match(place_pattern(), text)
    loud = list(dict.fromkeys(shouting(text)))
    checks = (
        Check("sumber", bool(SOURCE_WORDS.search(text)), first_match(SOURCE_WORDS, text)),
        Check("tanggal", bool(WHEN.search(text)), first_match(WHEN, text)),
        Check("tempat", bool(place), place),
        Check("singkat", bool(parts) and average <= 20, f"{average:.0f}"),
        Check("bertanya", bool(ASK.search(text)), first_match(ASK, text)),
    )
    flags = flags_for(PRESSURE, text, "pressure") + [Flag(w, "shouting") for w in loud]
    return DraftCheck("pengumuman", checks, tuple(flags))


@register("produk")
def check_listing(text: str) -> DraftCheck:
    checks = (
        Check("harga", bool(PRICE.search(text)), first_match(PRICE, text)),
        Check("ukuran", bool(SIZE.search(text)), first_match(SIZE, text)),
        Check("bahan", bool(MATERIAL.search(text)), first_match(MATERIAL, text)),
        Check("asal", bool(place_pattern().search(text)), first_match(place_pattern(), text)),
        Check("pesan", bool(ORDER.search(text)), first_match(ORDER, text)),
    )
    flags = flags_for(OVERCLAIM, text, "overclaim") + flags_for(RISKY_PAYMENT, text, "payment")
    return DraftCheck("produk", checks, tuple(flags))
