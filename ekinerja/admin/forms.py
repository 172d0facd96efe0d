from ekinerja.forms_util import BaseForm
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ekinerja.auth.models import ROLE_LABELS
from ekinerja.forms_util import choice_int

ROLE_CHOICES = [(r.value, label) for r, label in ROLE_LABELS.items()]


class RoleForm(BaseForm):
    role = SelectField("Peran", choices=ROLE_CHOICES)
    opd = SelectField("Perangkat daerah (untuk Operator OPD)", coerce=choice_int)
    submit = SubmitField("Tambahkan peran")


class NewUserForm(BaseForm):
    username = StringField("Nama pengguna", validators=[DataRequired("Nama pengguna wajib diisi."), Length(max=64)])
    display_name = StringField("Nama tampilan", validators=[DataRequired("Nama tampilan wajib diisi."), Length(max=255)])
    email = StringField("Surel (untuk pemberitahuan; boleh kosong)")
    password = PasswordField("Kata sandi awal", validators=[DataRequired("Kata sandi wajib diisi.")])
    role = SelectField("Peran", choices=ROLE_CHOICES)
    opd = SelectField("Perangkat daerah (untuk Operator OPD)", coerce=choice_int)
    submit = SubmitField("Buat pengguna")


class EmailForm(BaseForm):
    """The address notifications are e-mailed to (checked by auth.services.clean_email)."""
    email = StringField("Alamat surel")
    submit = SubmitField("Simpan surel")


class ActionForm(BaseForm):
    """A bare POST with its CSRF token (reset password, (de)activate, revoke)."""
