from ekinerja.forms_util import BaseForm
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ekinerja.forms_util import choice_int
from ekinerja.org.models import POSITION_KIND_LABELS, UNIT_KIND_LABELS, UnitKind
from ekinerja.org.nip import InvalidNip, parse_nip

UNIT_KIND_CHOICES = [(k.value, label) for k, label in UNIT_KIND_LABELS.items() if k != UnitKind.OPD]
POSITION_KIND_CHOICES = [(k.value, label) for k, label in POSITION_KIND_LABELS.items()]


class UnitForm(BaseForm):
    code = StringField("Kode unit", validators=[DataRequired("Kode unit wajib diisi."), Length(max=32)])
    name = StringField("Nama unit", validators=[DataRequired("Nama unit wajib diisi."), Length(max=255)])
    kind = SelectField("Jenis unit", choices=UNIT_KIND_CHOICES)
    parent = SelectField("Unit induk", coerce=choice_int, validate_choice=True)
    submit = SubmitField("Simpan")


class PositionForm(BaseForm):
    name = StringField("Nama jabatan", validators=[DataRequired("Nama jabatan wajib diisi."), Length(max=255)])
    kind = SelectField("Jenis jabatan", choices=POSITION_KIND_CHOICES)
    is_unit_head = BooleanField("Kepala unit ini")
    submit = SubmitField("Simpan")


class EmployeeForm(BaseForm):
    nip = StringField("NIP", validators=[DataRequired("NIP wajib diisi."), Length(max=21)])
    name = StringField("Nama lengkap (dengan gelar)", validators=[DataRequired("Nama wajib diisi."), Length(max=255)])
    rank = StringField("Pangkat/golongan", validators=[Optional(), Length(max=64)])
    submit = SubmitField("Simpan")

    def validate_nip(self, field):
        """The NIP's format is checked with the other fields, so that every mistake shows at once
        (the service checks it again, and whether it is already taken)."""
        try:
            parse_nip(field.data)
        except InvalidNip as exc:
            raise ValidationError(str(exc)) from None


class NewEmployeeForm(EmployeeForm):
    position = SelectField("Jabatan", coerce=choice_int)
    start_date = DateField("Mulai menjabat", validators=[DataRequired("Tanggal mulai wajib diisi.")])


class AssignForm(BaseForm):
    position = SelectField("Jabatan baru", coerce=choice_int)
    start_date = DateField("Mulai menjabat", validators=[DataRequired("Tanggal mulai wajib diisi.")])
    submit = SubmitField("Pindahkan")


class ReleaseForm(BaseForm):
    end_date = DateField("Tanggal terakhir menjabat", validators=[DataRequired("Tanggal wajib diisi.")])
    submit = SubmitField("Akhiri jabatan")
