"""TrueType fonts, embedded in every PDF so any Indonesian name renders as typed.

DejaVu (Debian's fonts-dejavu-core) when present; otherwise Bitstream Vera, which ships inside the
reportlab package itself. Registered once per process, never at import.
"""
from __future__ import annotations

import os
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR, BOLD, ITALIC, BOLD_ITALIC = "Teks", "Teks-Tebal", "Teks-Miring", "Teks-TebalMiring"

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
_CANDIDATES = [
    (_DEJAVU, ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf")),
    (None, ("Vera.ttf", "VeraBd.ttf", "VeraIt.ttf", "VeraBI.ttf")),
]


def _vera_dir() -> Path:
    import reportlab

    return Path(os.path.dirname(reportlab.__file__)) / "fonts"


def font_files() -> tuple[Path, Path, Path, Path]:
    for directory, names in _CANDIDATES:
        base = directory or _vera_dir()
        paths = tuple(base / n for n in names)
        if all(p.is_file() for p in paths):
            return paths  # type: ignore[return-value]
    raise RuntimeError("no TrueType font found (install fonts-dejavu-core)")


def register() -> str:
    """Register the family (idempotent) and return the regular font's name."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return REGULAR
    regular, bold, italic, bold_italic = font_files()
    for name, path in ((REGULAR, regular), (BOLD, bold), (ITALIC, italic), (BOLD_ITALIC, bold_italic)):
        pdfmetrics.registerFont(TTFont(name, str(path)))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD_ITALIC)
    return REGULAR
