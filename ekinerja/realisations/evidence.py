"""Evidence files: the type is read from the content, never from the name or the browser."""
from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from flask import current_app

from ekinerja.errors import ValidationFailed

ALLOWED_TEXT = "PDF, JPG, PNG, XLSX atau DOCX"


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    label: str


PDF = FileType("pdf", "application/pdf", "PDF")
JPEG = FileType("jpg", "image/jpeg", "JPG")
PNG = FileType("png", "image/png", "PNG")
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX")
DOCX = FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX")


def sniff(data: bytes) -> FileType | None:
    """The file's type from its first bytes (and, for Office files, the parts of the package)."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if "xl/workbook.xml" in names:
            return XLSX
        if "word/document.xml" in names:
            return DOCX
    return None


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    name: str
    type: FileType
    sha256: str


def clean_name(name: str | None, file_type: FileType) -> str:
    """A name to show and to offer on download: no directories, no control characters, the
    extension of the real type."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = stem[:200] or "bukti"
    return f"{stem}.{file_type.extension}"


def check_file(data: bytes, name: str | None, field: str = "file") -> CheckedFile:
    """The file as evidence, or ValidationFailed with the reason in Indonesian."""
    limit = current_app.config["EVIDENCE_MAX_BYTES"]
    shown = (name or "berkas").rsplit("/", 1)[-1][:80]
    if not data:
        raise ValidationFailed("Berkas bukti kosong.", [{"field": field, "message": f"{shown}: berkas kosong."}])
    if len(data) > limit:
        mb = limit // (1024 * 1024)
        raise ValidationFailed("Berkas bukti terlalu besar.",
                               [{"field": field, "message": f"{shown}: ukuran melebihi {mb} MB."}])
    file_type = sniff(data)
    if file_type is None:
        raise ValidationFailed("Jenis berkas bukti tidak diterima.",
                               [{"field": field, "message": f"{shown}: isi berkas bukan {ALLOWED_TEXT}."}])
    return CheckedFile(data, clean_name(name, file_type), file_type, hashlib.sha256(data).hexdigest())
