"""Region tables: desa/kelurahan with their kecamatan and Kemendagri codes.

The package ships Kotawaringin Timur's table (``kimtrain/data/kotim_wilayah.csv``:
17 kecamatan, 185 desa/kelurahan, Kemendagri codes). Another regency can use its own
CSV with the same columns: ``kode_wilayah,nama,jenis,kode_kecamatan,kecamatan``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_REGIONS", "Region", "load_regions"]

DEFAULT_REGIONS = Path(__file__).resolve().parent.parent / "data" / "kotim_wilayah.csv"


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    kind: str  # desa | kelurahan
    kecamatan_code: str
    kecamatan: str


def load_regions(path: str | Path = DEFAULT_REGIONS) -> list[Region]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [Region(row["kode_wilayah"], row["nama"].strip(), row["jenis"].strip(),
                       row["kode_kecamatan"], row["kecamatan"].strip())
                for row in csv.DictReader(fh)]
