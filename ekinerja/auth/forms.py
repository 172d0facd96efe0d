from ekinerja.forms_util import BaseForm
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(BaseForm):
    login = StringField("NIP atau nama pengguna", validators=[DataRequired("NIP atau nama pengguna wajib diisi."), Length(max=64)])
    password = PasswordField("Kata sandi", validators=[DataRequired("Kata sandi wajib diisi.")])
    next = HiddenField()
    submit = SubmitField("Masuk")


class ChangePasswordForm(BaseForm):
    current_password = PasswordField("Kata sandi lama", validators=[DataRequired("Kata sandi lama wajib diisi.")])
    new_password = PasswordField("Kata sandi baru", validators=[DataRequired("Kata sandi baru wajib diisi.")])
    confirm = PasswordField("Ulangi kata sandi baru", validators=[
        DataRequired("Ulangi kata sandi baru."), EqualTo("new_password", "Kedua kata sandi baru tidak sama.")])
    submit = SubmitField("Simpan kata sandi")


class OwnEmailForm(BaseForm):
    """A user's own address for e-mailed notifications (checked by services.clean_email)."""
    email = StringField("Alamat surel", validators=[Length(max=254)])
    submit_email = SubmitField("Simpan surel")
