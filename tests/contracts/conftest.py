"""Fixtures of agreements: the cascade of tests/bsc (province IKU → OPD A → bidang → staff), users
of each role, "today" fixed, and a PDF scan of a signed paper."""
from __future__ import annotations

import io
from datetime import date

import pytest

from tests.bsc.conftest import iku, realise  # noqa: F401
from tests.realisations.conftest import people, today  # noqa: F401


@pytest.fixture
def scan() -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, "Pindaian perjanjian yang sudah ditandatangani")
    c.save()
    return buf.getvalue()


SIGNING = date(2026, 2, 2)
