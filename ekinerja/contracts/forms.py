"""Forms of the agreement pages. They only read what was typed: the services of
ekinerja.contracts say, in Indonesian and next to the field, what is missing or wrong (a date left
empty reaches the service as None and is refused there, with the service's own words)."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ekinerja.contracts.models import AmendmentReason
from ekinerja.forms_util import BaseForm

REASON_CHOICES = [("", "— pilih alasan —")] + [(r.value, r.label) for r in AmendmentReason]


class StepForm(BaseForm):
    """A lifecycle step without fields (Ajukan, Setujui, Publikasikan, ...): the CSRF token only."""


class ReturnForm(BaseForm):
    notes = TextAreaField("Catatan pengembalian (wajib)", validators=[Length(max=4000)])


class PrintForm(BaseForm):
    number = StringField("Nomor perjanjian", validators=[Length(max=64)])
    print_date = DateField("Tanggal cetak", validators=[Optional()])
    signing_date = DateField("Tanggal penandatanganan", validators=[Optional()])
    place = StringField("Tempat penandatanganan", default="Mataram", validators=[Length(max=64)])
    # The kind's papers are the choices (A3 or A4 for an A3 agreement); the service checks them.
    paper = SelectField("Ukuran kertas", validate_choice=False)

    def fill(self, version, today, papers: tuple[str, ...]) -> None:
        """What the page offers: what was printed before, else today and Mataram."""
        self.number.data = version.print_number or ""
        self.print_date.data = version.print_date or today
        self.signing_date.data = version.planned_signing_date or version.print_date or today
        self.place.data = version.place or "Mataram"
        self.paper.data = version.printed_paper or papers[0]


class SigningForm(BaseForm):
    scan = FileField("Pindaian dokumen yang sudah ditandatangani (PDF, JPG atau PNG, maks. 20 MB)")
    signed_date = DateField("Tanggal penandatanganan", validators=[Optional()])


class AmendForm(BaseForm):
    reason = SelectField("Alasan perubahan", choices=REASON_CHOICES, validate_choice=False)
    note = TextAreaField("Uraian perubahan", validators=[Length(max=4000)])


class CreateForm(BaseForm):
    """"Buat PK" on the list: the post and the year."""

    position = HiddenField()
    year = IntegerField(validators=[Optional()])


class ProgrammeForm(BaseForm):
    programme = StringField("Program", validators=[Length(max=500)])
    budget = StringField("Anggaran (Rp)")
    note = StringField("Keterangan", validators=[Length(max=500)])


def input_rupiah(value) -> str:
    """A stored amount as the form shows it, the way it is typed: 1.250.000.000 or 1.250,5."""
    from ekinerja.web import format_number_id

    return "" if value is None else format_number_id(value)
