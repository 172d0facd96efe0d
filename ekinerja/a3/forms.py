"""Forms of the A3 pages. Numbers stay text: the services read them the Indonesian way (1.250.000,
12,5) and say in Indonesian what is wrong, next to the field. Choices that depend on who asks (an
indicator, a unit, a province IKU) are checked by the services, which refuse with a message rather
than the form's bare "invalid choice"."""
from __future__ import annotations

from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ekinerja.a3.models import ProgrammeKind
from ekinerja.contracts.models import LEVEL_LABELS, Level
from ekinerja.forms_util import BaseForm, choice_int
from ekinerja.web import MONTHS_ID

MONTH_CHOICES = [(m, name) for m, name in enumerate(MONTHS_ID, start=1)]


class PlainForm(BaseForm):
    """A button that only needs its CSRF token (remove, fill from the scorecard)."""


class StartForm(BaseForm):
    position = HiddenField()
    year = HiddenField()


class MoveForm(BaseForm):
    direction = HiddenField()


class AttitudeForm(BaseForm):
    commitment = TextAreaField("Komitmen sikap")
    indicator = StringField("Ukuran (opsional)")
    submit = SubmitField("Simpan Attitude")


class AttentionForm(BaseForm):
    programme = TextAreaField("Program prioritas")
    kind = SelectField("Jenis program", choices=[(k.value, k.label) for k in ProgrammeKind], validate_choice=False)
    # "ss:<objective id>" or "iku:<indicator id>"; choices grouped per province objective.
    serves = SelectField("Mendukung sasaran strategis / IKU provinsi", validate_choice=False)
    submit = SubmitField("Simpan Attention")

    def serves_ids(self) -> tuple[int | None, int | None]:
        kind, _, ident = (self.serves.data or "").partition(":")
        if not ident.isdigit():
            return None, None
        return (int(ident), None) if kind == "ss" else (None, int(ident)) if kind == "iku" else (None, None)


class ActionForm(BaseForm):
    """Both ways of an Action: `mode` "pilih" picks an indicator, "buat" makes one from the Action."""

    mode = HiddenField(default="pilih")
    indicator_id = SelectField("Indikator kartu kinerja", coerce=choice_int, validate_choice=False)
    parent_id = SelectField("Mendukung indikator di atasnya", coerce=choice_int, validate_choice=False)
    action = TextAreaField("Nama indikator baru (Action)")
    unit_of_measure = StringField("Satuan")
    target = StringField("Target tahunan")
    q1 = StringField("TW I")
    q2 = StringField("TW II")
    q3 = StringField("TW III")
    q4 = StringField("TW IV")
    budget = StringField("Anggaran (Rp)")
    responsible_unit_id = SelectField("Unit penanggung jawab", coerce=choice_int, validate_choice=False)
    due_month = SelectField("Batas waktu", coerce=int, choices=MONTH_CHOICES, default=12)
    submit = SubmitField("Simpan Action")


PAPER_CHOICES = [("A3", "A3 lanskap (bawaan)"), ("A4", "A4 lanskap")]
LEVEL_CHOICES = [(Level.GOVERNOR_OPD.value, LEVEL_LABELS[Level.GOVERNOR_OPD]), ("semua", "Semua tingkat")]


class PrintAllForm(BaseForm):
    pattern = StringField("Pola nomor", validators=[DataRequired("Pola nomor wajib diisi."), Length(max=64)])
    first = IntegerField("Nomor urut pertama", default=1,
                         validators=[Optional(), NumberRange(1, 999999, "Nomor urut pertama harus 1 atau lebih.")])
    print_date = DateField("Tanggal cetak", validators=[DataRequired("Tanggal cetak wajib diisi.")])
    signing_date = DateField("Tanggal penandatanganan", validators=[DataRequired("Tanggal penandatanganan wajib diisi.")])
    place = StringField("Tempat penandatanganan", default="Mataram",
                        validators=[DataRequired("Tempat wajib diisi."), Length(max=64)])
    paper = SelectField("Ukuran kertas", choices=PAPER_CHOICES, default="A3")
    level = SelectField("Tingkat perjanjian", choices=LEVEL_CHOICES, default=Level.GOVERNOR_OPD.value)
    submit = SubmitField("Cetak semua")
