"""Forms of the periodic-report pages. They only read what was typed: ekinerja.public.dip says, in
Indonesian and next to the field, what is missing or wrong."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from ekinerja.forms_util import BaseForm, choice_int
from ekinerja.public.dip import ReportInput
from ekinerja.public.dip_models import DEFAULT_FORM, DEFAULT_RETENTION, QUARTER_NAMES

QUARTER_CHOICES = [("", "— pilih triwulan —")] + [(str(q), name) for q, name in QUARTER_NAMES.items()]


class StepForm(BaseForm):
    """Publikasikan / Tarik kembali: the CSRF token only."""


class ReportForm(BaseForm):
    opd = SelectField("Perangkat Daerah", coerce=choice_int, validate_choice=False)
    year = IntegerField("Tahun", validators=[Optional()])
    quarter = SelectField("Triwulan", choices=QUARTER_CHOICES, coerce=choice_int, validate_choice=False)
    number = StringField("Nomor dokumen (jika ada)")
    title = StringField("Judul laporan")
    summary = TextAreaField("Ringkasan isi informasi")
    responsible_name = StringField("Nama pejabat penanggung jawab")
    responsible_position = StringField("Jabatan penanggung jawab")
    made_place = StringField("Tempat pembuatan", default="Mataram")
    made_date = DateField("Tanggal pembuatan", validators=[Optional()])
    form_available = StringField("Bentuk informasi yang tersedia", default=DEFAULT_FORM)
    retention = StringField("Jangka waktu penyimpanan (retensi)", default=DEFAULT_RETENTION)
    file = FileField("Berkas laporan (PDF, maks. 20 MB)")

    def values(self) -> ReportInput:
        return ReportInput(year=self.year.data, quarter=self.quarter.data, title=self.title.data,
                           summary=self.summary.data, responsible_name=self.responsible_name.data,
                           responsible_position=self.responsible_position.data, made_place=self.made_place.data,
                           made_date=self.made_date.data, number=self.number.data,
                           form_available=self.form_available.data, retention=self.retention.data)

    def fill(self, report) -> None:
        for name in ("year", "quarter", "number", "title", "summary", "responsible_name", "responsible_position",
                     "made_place", "made_date", "form_available", "retention"):
            getattr(self, name).data = getattr(report, name)
