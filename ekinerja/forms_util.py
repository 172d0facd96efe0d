"""Small helpers shared by the forms of every package."""
from contextlib import contextmanager

from flask_wtf import FlaskForm

from ekinerja.errors import ValidationFailed


def apply_errors(form, exc: ValidationFailed) -> None:
    """Put a service's field errors on the form's fields; the rest become form-level errors."""
    general = []
    for detail in exc.details or []:
        field = getattr(form, detail.get("field") or "", None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + [detail["message"]]
        else:
            general.append(detail.get("message", ""))
    if not exc.details:
        general.append(exc.message)
    form.form_errors = list(getattr(form, "form_errors", [])) + general


def choice_int(value):
    """Coerce for SelectFields whose empty option means 'none'."""
    if value in (None, "", "None"):
        return None
    return int(value)


# WTForms ships no Indonesian catalogue; these are its built-in messages that our forms can show.
_WTFORMS_ID = {
    "This field is required.": "Kolom ini wajib diisi.",
    "Not a valid choice.": "Pilihan tidak valid.",
    "Invalid Choice: could not coerce.": "Pilihan tidak valid.",
    "Not a valid date value.": "Tanggal tidak valid (gunakan format tahun-bulan-tanggal).",
    "Not a valid datetime value.": "Tanggal dan waktu tidak valid.",
    "Not a valid integer value.": "Harus berupa bilangan bulat.",
    "Not a valid decimal value.": "Harus berupa angka.",
    "Not a valid float value.": "Harus berupa angka.",
    "Invalid input.": "Isian tidak valid.",
    "Field must be equal to %(other_name)s.": "Isian harus sama dengan %(other_name)s.",
    "Field must be between %(min)d and %(max)d characters long.": "Panjang isian harus %(min)d sampai %(max)d karakter.",
    "Field must be at least %(min)d character long.": "Isian minimal %(min)d karakter.",
    "Field cannot be longer than %(max)d character.": "Isian maksimal %(max)d karakter.",
    "Field must be exactly %(max)d character long.": "Isian harus tepat %(max)d karakter.",
    "Invalid CSRF Token.": "Formulir tidak sah. Muat ulang halaman lalu kirim kembali.",
    "CSRF token missing.": "Formulir tidak sah. Muat ulang halaman lalu kirim kembali.",
    "CSRF failed.": "Formulir tidak sah. Muat ulang halaman lalu kirim kembali.",
    "CSRF token expired.": "Formulir kedaluwarsa. Muat ulang halaman lalu kirim kembali.",
}


class IndonesianTranslations:
    def gettext(self, text: str) -> str:
        return _WTFORMS_ID.get(text, text)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _WTFORMS_ID.get(singular, singular if n == 1 else plural)


class BaseForm(FlaskForm):
    """Every form of the project: Flask-WTF (CSRF) with WTForms' own messages in Indonesian."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return IndonesianTranslations()


class _Saved:
    ok = False

    def __bool__(self) -> bool:
        return self.ok


@contextmanager
def saving(form):
    """The edge of a form's service call: commit what the block did; on ValidationFailed roll it
    all back and put the errors on the form instead. `if saved:` then tells which happened.

        with saving(form) as saved:
            unit = services.create_unit(...)
        if saved:
            return redirect(...)
    """
    from ekinerja.extensions import db

    saved = _Saved()
    try:
        yield saved
    except ValidationFailed as exc:
        db.session.rollback()
        apply_errors(form, exc)
        return
    db.session.commit()
    saved.ok = True
