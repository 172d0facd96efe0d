"""Downloads of the review: the dashboard's tables as Excel and the month's briefing book as PDF.
Province-wide readers only, as every page of the blueprint (views._only_province_readers)."""
from __future__ import annotations

import io

from flask import send_file

from ekinerja.realisations.evidence import XLSX
from ekinerja.review import briefing, exports
from ekinerja.review.views import _period, bp


def _download(data: bytes, mimetype: str, name: str):
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/unduh.xlsx")
def workbook():
    year, month = _period()
    return _download(exports.dashboard_workbook(year, month), XLSX.content_type,
                     f"dasbor-kinerja-ntb-{year}-{month:02d}.xlsx")


@bp.get("/buku-briefing.pdf")
def briefing_book():
    year, month = _period()
    return _download(briefing.briefing_pdf(year, month), "application/pdf",
                     f"buku-briefing-kinerja-ntb-{year}-{month:02d}.pdf")
