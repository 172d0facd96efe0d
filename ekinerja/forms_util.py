"""Small helpers shared by the forms of every package."""
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
