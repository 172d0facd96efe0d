"""Forms of the monthly workflow pages. Values stay text here: services.parse_value reads them
(12,5 as well as 12.5) and says in Indonesian what is wrong, next to the field; the services also
decide what is required (reason and follow-up on red, the return comment)."""
from __future__ import annotations

from wtforms import HiddenField, MultipleFileField, StringField, TextAreaField

from ekinerja.bsc.forms import input_number
from ekinerja.forms_util import BaseForm
from ekinerja.realisations.evidence import ALLOWED_TEXT

ACCEPT = ".pdf,.jpg,.jpeg,.png,.xlsx,.docx"

# Status of a realisation as a short marker beside its month (never the colour alone).
STATUS_SYMBOLS = {"draft": "✎", "submitted": "↑", "approved": "✓", "returned": "↩"}


class EntryForm(BaseForm):
    """One indicator's value for one month. Several of these sit on one page, so each is built
    with prefix=entry_prefix(indicator): the field names and ids stay unique."""

    value = StringField("Realisasi")
    note = TextAreaField("Catatan")
    reason = TextAreaField("Faktor penghambat")
    follow_up = TextAreaField("Tindak lanjut")
    bukti = MultipleFileField("Bukti dukung")
    version = HiddenField()

    # A service's field name -> the field of this form.
    SERVICE_FIELDS = {"file": "bukti", "month": "value"}

    def fill(self, realisation) -> None:
        if realisation is None:
            self.version.data = ""
            return
        self.value.data = input_number(realisation.value)
        self.note.data = realisation.note or ""
        self.reason.data = realisation.reason or ""
        self.follow_up.data = realisation.follow_up or ""
        self.version.data = str(realisation.version)


def entry_prefix(indicator) -> str:
    return f"i{indicator.id}"


class VersionForm(BaseForm):
    """A button that acts on a realisation as the user last saw it (approve, delete a file)."""

    version = HiddenField()


class ReturnForm(BaseForm):
    version = HiddenField()
    comment = TextAreaField("Catatan pengembalian")


class PlainForm(BaseForm):
    """Only the CSRF check (bulk approve, mark notifications read)."""


def size_text(n: int) -> str:
    """A byte count as people read it: 10 MB, 512 KB."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):g} MB".replace(".", ",")
    if n >= 1024:
        return f"{n // 1024} KB"
    return f"{n} byte"


def evidence_help(max_bytes: int, max_files: int) -> str:
    return (f"{ALLOWED_TEXT}; paling besar {size_text(max_bytes)} per berkas, paling banyak {max_files} berkas "
            "per realisasi. Boleh memilih beberapa berkas sekaligus.")
