"""Forms of the scorecard pages. Numbers stay text here: the services read them (the Indonesian
1.234,5 as well as 1234.5) and say in Indonesian what is wrong, next to the field."""
from __future__ import annotations

from decimal import Decimal

from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, ValidationError

from ekinerja.bsc.models import CascadeKind, OwnerKind, Perspective, Rollup
from ekinerja.bsc.scoring import Aggregation, Colour, Polarity
from ekinerja.bsc.services import to_decimal
from ekinerja.forms_util import BaseForm, choice_int

MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember"]

POLARITY_LABELS = {Polarity.MAX: "Maksimal", Polarity.MIN: "Minimal", Polarity.STABILIZE: "Stabil"}
AGGREGATION_LABELS = {Aggregation.SUM: "Jumlah (kumulatif)", Aggregation.AVERAGE: "Rata-rata",
                      Aggregation.LAST: "Nilai terakhir"}
CASCADE_KIND_LABELS = {CascadeKind.DIRECT: "Kaskade langsung", CascadeKind.INDIRECT: "Kaskade tidak langsung"}
ROLLUP_LABELS = {
    Rollup.MANUAL: "Diisi (realisasi bulanan)",
    Rollup.CHILDREN_SUM: "Jumlah realisasi turunan langsung",
    Rollup.CHILDREN_AVERAGE: "Rata-rata realisasi turunan langsung",
    Rollup.CHILDREN_SCORE: "Rata-rata tertimbang nilai turunan langsung",
}
OWNER_KIND_LABELS = {OwnerKind.PROVINCE: "Provinsi", OwnerKind.OPD: "Perangkat Daerah",
                     OwnerKind.UNIT: "Unit kerja", OwnerKind.EMPLOYEE: "Pegawai"}
# Colour is never the only sign: every badge says its status in words and a symbol.
COLOUR_LABELS = {Colour.GREEN: "Hijau", Colour.YELLOW: "Kuning", Colour.RED: "Merah", Colour.GREY: "Tanpa data"}
COLOUR_SYMBOLS = {Colour.GREEN: "✓", Colour.YELLOW: "!", Colour.RED: "✕", Colour.GREY: "–"}
PERSPECTIVE_CHOICES = [(p.value, p.label) for p in Perspective]


def months_text(months: list[int]) -> str:
    """[1, 2, 3, 5] → "Januari–Maret, Mei"."""
    runs: list[list[int]] = []
    for m in months:
        if runs and m == runs[-1][-1] + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    return ", ".join(MONTHS[r[0] - 1] if len(r) == 1 else f"{MONTHS[r[0] - 1]}–{MONTHS[r[-1] - 1]}" for r in runs)


def input_number(value: Decimal | None) -> str:
    """A stored number as a form shows it: no thousands dots, a decimal comma (13,5), so that
    what comes back reads the same way."""
    if value is None:
        return ""
    text = format(Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def number_or_empty(form, field):
    errors: list = []
    to_decimal(field.data, field.name, errors, field.label.text, required=False)
    if errors:
        raise ValidationError(errors[0]["message"])


class ScorecardForm(BaseForm):
    year = IntegerField("Tahun", validators=[DataRequired("Tahun wajib diisi."),
                                             NumberRange(2000, 2100, "Tahun harus 2000–2100.")])
    # The owner is "province", "opd:12", "unit:40" or "employee:7". Whether the user may create
    # it is the service's decision (a refusal is a 403, not an invalid choice).
    owner = SelectField("Pemilik kartu", validate_choice=False)
    submit = SubmitField("Buat kartu kinerja")


class WeightsForm(BaseForm):
    w_stakeholder = StringField(f"Bobot perspektif {Perspective.STAKEHOLDER.label}", validators=[number_or_empty])
    w_customer = StringField(f"Bobot perspektif {Perspective.CUSTOMER.label}", validators=[number_or_empty])
    w_internal_process = StringField(f"Bobot perspektif {Perspective.INTERNAL_PROCESS.label}", validators=[number_or_empty])
    w_learning_growth = StringField(f"Bobot perspektif {Perspective.LEARNING_GROWTH.label}", validators=[number_or_empty])
    submit = SubmitField("Simpan bobot")

    def weights(self) -> dict[str, Decimal | None]:
        out = {}
        for p in Perspective:
            out[p.value] = to_decimal(getattr(self, f"w_{p.value}").data, p.value, [], "", required=False)
        return out

    def fill(self, sc) -> None:
        for p in Perspective:
            getattr(self, f"w_{p.value}").data = input_number(getattr(sc, f"w_{p.value}"))


class ObjectiveForm(BaseForm):
    code = StringField("Kode sasaran", validators=[DataRequired("Kode sasaran wajib diisi."), Length(max=32)])
    perspective = SelectField("Perspektif", choices=PERSPECTIVE_CHOICES)
    name = TextAreaField("Sasaran strategis", validators=[DataRequired("Nama sasaran wajib diisi."), Length(max=500)])
    submit = SubmitField("Simpan sasaran")


MONTH_FIELDS = [f"m{m}" for m in range(1, 13)]


class IndicatorForm(BaseForm):
    objective_id = SelectField("Sasaran strategis", coerce=int)
    code = StringField("Kode indikator", validators=[Length(max=32)])
    name = TextAreaField("Nama indikator", validators=[Length(max=500)])
    unit_of_measure = StringField("Satuan", validators=[Length(max=64)])
    definition = TextAreaField("Definisi operasional")
    formula = TextAreaField("Formula / cara menghitung")
    data_source = StringField("Sumber data", validators=[Length(max=255)])
    polarity = SelectField("Polaritas", choices=[(p.value, label) for p, label in POLARITY_LABELS.items()])
    aggregation = SelectField("Konsolidasi periode", choices=[(a.value, label) for a, label in AGGREGATION_LABELS.items()])
    weight = StringField("Bobot", default="1")
    target = StringField("Target tahunan")
    target_high = StringField("Batas atas rentang target")
    parent_id = SelectField("Indikator induk", coerce=choice_int, validate_choice=False)
    cascade_kind = SelectField("Jenis kaskade", choices=[("", "— (tanpa induk)")] + [
        (k.value, label) for k, label in CASCADE_KIND_LABELS.items()])
    rollup = SelectField("Cara perhitungan realisasi", choices=[(r.value, label) for r, label in ROLLUP_LABELS.items()])
    submit = SubmitField("Simpan indikator")

    def fill(self, ind) -> None:
        for name in ("code", "name", "unit_of_measure", "definition", "formula", "data_source"):
            getattr(self, name).data = getattr(ind, name) or ""
        self.polarity.data, self.aggregation.data = ind.polarity.value, ind.aggregation.value
        self.rollup.data = ind.rollup.value
        self.cascade_kind.data = ind.cascade_kind.value if ind.cascade_kind else ""
        self.parent_id.data = ind.parent_id
        self.weight.data, self.target.data = input_number(ind.weight), input_number(ind.target)
        self.target_high.data = input_number(ind.target_high)
        monthly = ind.monthly_target_list() or [None] * 12
        for name, value in zip(MONTH_FIELDS, monthly):
            getattr(self, name).data = input_number(value)

    def month_fields(self):
        return [getattr(self, name) for name in MONTH_FIELDS]

    def input(self):
        from ekinerja.bsc.services import IndicatorInput

        monthly = [getattr(self, name).data for name in MONTH_FIELDS]
        return IndicatorInput(
            code=self.code.data, name=self.name.data, unit_of_measure=self.unit_of_measure.data,
            polarity=self.polarity.data, aggregation=self.aggregation.data, weight=self.weight.data,
            target=self.target.data, target_high=self.target_high.data,
            monthly_targets=monthly if any((v or "").strip() for v in monthly) else None,
            definition=self.definition.data, formula=self.formula.data, data_source=self.data_source.data,
            parent_id=self.parent_id.data, cascade_kind=self.cascade_kind.data or None, rollup=self.rollup.data)

    def tidy_month_errors(self) -> str | None:
        """The service names each month ("Target bulan 3 wajib diisi."); next to a field of the
        grid its label says the month already, and one line above the grid says what to do."""
        empty = []
        for m, f in enumerate(self.month_fields(), start=1):
            short = []
            for message in f.errors:
                rest = message.removeprefix(f"Target bulan {m} ")
                short.append(rest[:1].upper() + rest[1:])
                if "wajib" in message:
                    empty.append(m)
            f.errors = short
        if empty:
            return f"Target bulanan belum lengkap; masih kosong: {months_text(empty)}."
        return None

    @staticmethod
    def field_of(service_field: str) -> str:
        """The form field of a service error ("monthly_targets[2]" is the field m3)."""
        if service_field.startswith("monthly_targets["):
            return f"m{int(service_field[16:-1]) + 1}"
        return service_field


for _m, _label in enumerate(MONTHS, start=1):
    setattr(IndicatorForm, f"m{_m}", StringField(_label))


class DeleteForm(BaseForm):
    submit = SubmitField("Ya, hapus indikator")


# ---------------------------------------------------------------- the cascade screen

class CascadeRow:
    """One recipient on the cascade screen and its fields (named by the recipient, not by
    position in the list, so that a posted row always means the same person or unit)."""

    def __init__(self, form, recipient):
        self.recipient = recipient
        key = recipient.key.replace(":", "_")
        self.selected = form[f"pilih_{key}"]
        self.target = form[f"target_{key}"]
        self.target_high = form[f"batas_{key}"]
        self.weight = form[f"bobot_{key}"]
        self.kind = form[f"jenis_{key}"]
        self.errors: list[str] = []

    @property
    def fields(self):
        return {"target": self.target, "target_high": self.target_high, "weight": self.weight,
                "cascade_kind": self.kind}


class CascadeForm(BaseForm):
    submit = SubmitField("Kaskadekan ke penerima terpilih")


def cascade_form(recipients, with_range: bool):
    """A CascadeForm with a row of fields per recipient (recipient.key such as "employee:7",
    recipient.existing: the indicator it already received from this parent, or None)."""

    class Form(CascadeForm):
        pass

    for r in recipients:
        key = r.key.replace(":", "_")
        setattr(Form, f"pilih_{key}", BooleanField(f"Kaskadekan ke {r.name}"))
        setattr(Form, f"target_{key}", StringField(f"Target untuk {r.name}"))
        setattr(Form, f"batas_{key}", StringField(f"Batas atas rentang untuk {r.name}"))
        setattr(Form, f"bobot_{key}", StringField(f"Bobot untuk {r.name}"))
        # Unticked rows may be left out of the post; the service checks the kind of the chosen ones.
        setattr(Form, f"jenis_{key}", SelectField(f"Jenis kaskade untuk {r.name}", validate_choice=False, choices=[
            (CascadeKind.DIRECT.value, "Langsung"), (CascadeKind.INDIRECT.value, "Tidak langsung")]))
    form = Form()
    if not form.is_submitted():
        for r in recipients:
            key = r.key.replace(":", "_")
            form[f"bobot_{key}"].data = input_number(r.existing.weight) if r.existing else "1"
            form[f"target_{key}"].data = input_number(r.existing.target) if r.existing else ""
            form[f"batas_{key}"].data = input_number(r.existing.target_high) if r.existing else ""
            form[f"jenis_{key}"].data = r.existing.cascade_kind.value if r.existing and r.existing.cascade_kind \
                else CascadeKind.DIRECT.value
    form.rows = [CascadeRow(form, r) for r in recipients]
    form.with_range = with_range
    return form
