"""GET and POST /api/v1/exchange: the interchange document (interchange.md) over the API, for the
administrators and the governor's office only. The work is ekinerja.exchange's; here are the
request's edges: the body (JSON, or a workbook in the multipart field `file`), one commit."""
from __future__ import annotations

import io

from flask import g, jsonify, request, send_file

from ekinerja.api.common import (BadRequest, bad_parameter, choice_arg, current_year, denied, flag_arg, month_arg, t,
                                 year_arg)
from ekinerja.api.views import bp
from ekinerja.auth.permissions import can
from ekinerja.exchange import document_to_workbook, export_document, import_document, workbook_to_document
from ekinerja.extensions import db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_exchange() -> None:
    if not can(g.api_user, "exchange"):
        raise denied("Hanya administrator dan Biro Organisasi yang dapat memakai pertukaran data.",
                     "Only administrators and the governor's office may use the data exchange.")


@bp.get("/exchange")
def export():
    _require_exchange()
    year = year_arg(default=current_year())
    month = month_arg()
    computed = flag_arg("computed")
    organisation = flag_arg("organisation")
    form = choice_arg("format", ["json", "xlsx"], "json")
    doc = export_document(year, month, computed, include_organisation=organisation)
    if form == "xlsx":
        suffix = f"-{month:02d}" if month else ""
        return send_file(io.BytesIO(document_to_workbook(doc)), mimetype=XLSX, as_attachment=True,
                         download_name=f"ekinerja-{year}{suffix}.xlsx")
    return jsonify({"data": doc})


@bp.post("/exchange")
def import_():
    _require_exchange()
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise bad_parameter("file", "Lampirkan buku kerja .xlsx pada field file.",
                                "Attach an .xlsx workbook in the field file.")
        doc = workbook_to_document(upload.read())
    elif request.is_json:
        doc = request.get_json(silent=True)
        if not isinstance(doc, dict):
            raise _bad_body(t("Badan permintaan bukan objek JSON yang sah.", "The body is not a valid JSON object."))
    else:
        raise _bad_body(t("Kirim dokumen JSON (application/json) atau buku kerja .xlsx pada field file "
                          "(multipart/form-data).",
                          "Send a JSON document (application/json) or an .xlsx workbook in the field file "
                          "(multipart/form-data)."))
    result = import_document(g.api_user, doc)
    db.session.commit()
    return jsonify({"data": result.as_dict()})


def _bad_body(message: str) -> BadRequest:
    exc = BadRequest(message)
    exc.message_en = message
    return exc
