"""The Perjanjian Kinerja on A4 portrait, in the format of PermenPANRB 53/2014: the statement page
with both parties, then the attachment (indicators with targets and quarterly targets; programmes
and budget), signed again at its foot."""
from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from ekinerja.contracts.models import AgreementVersion, Level
from ekinerja.pdf import fonts, parts
from ekinerja.pdf.parts import esc

STATEMENT = ("Dalam rangka mewujudkan manajemen pemerintahan yang efektif, transparan dan akuntabel serta "
             "berorientasi pada hasil, kami yang bertanda tangan di bawah ini:")
PROMISE = ("Pihak pertama berjanji akan mewujudkan target kinerja yang seharusnya sesuai lampiran perjanjian "
           "ini, dalam rangka mencapai target kinerja jangka menengah seperti yang telah ditetapkan dalam "
           "dokumen perencanaan. Keberhasilan dan kegagalan pencapaian target kinerja tersebut menjadi "
           "tanggung jawab kami.")
SUPERVISION = ("Pihak kedua akan melakukan supervisi yang diperlukan serta akan melakukan evaluasi terhadap "
               "capaian kinerja dari perjanjian ini dan mengambil tindakan yang diperlukan dalam rangka "
               "pemberian penghargaan dan sanksi.")


def verify_url(code: str) -> str:
    from flask import current_app

    return f"{current_app.config['BASE_URL'].rstrip('/')}/verifikasi/{code}"


def parties(version: AgreementVersion) -> tuple[parts.Party, parts.Party]:
    first = parts.Party("PIHAK PERTAMA", version.first_title or "", version.first_name or "", version.first_nip,
                        version.first_rank)
    second = parts.Party("PIHAK KEDUA", version.second_title or "", version.second_name or "", version.second_nip,
                         version.second_rank)
    return first, second


def _identity(st, party: parts.Party, closing: str) -> Table:
    rows = [["Nama", ":", party.name], ["Jabatan", ":", party.position]]
    if party.nip:
        rows.insert(1, ["NIP", ":", party.nip])
    t = Table([[Paragraph(esc(a), st.body), Paragraph(b, st.body), Paragraph(esc(c), st.body)] for a, b, c in rows]
              + [[Paragraph(esc(closing), st.body), "", ""]], colWidths=[25 * mm, 5 * mm, 140 * mm])
    t.setStyle(TableStyle([("SPAN", (0, len(rows)), (-1, len(rows))), ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return t


def title_lines(version: AgreementVersion) -> tuple[str, str]:
    agreement = version.agreement
    title = f"PERJANJIAN KINERJA TAHUN {agreement.year}"
    if version.amendment_reason is not None:
        title = f"PERJANJIAN KINERJA PERUBAHAN TAHUN {agreement.year}"
    unit = agreement.opd.name if agreement.level == Level.GOVERNOR_OPD else \
        f"{agreement.first_position.unit.name} – {agreement.opd.name}"
    return title, unit.upper()


def render_pk(version: AgreementVersion) -> bytes:
    st = parts.styles(10)
    agreement = version.agreement
    first, second = parties(version)
    title, unit = title_lines(version)
    story = [Paragraph(esc(title), st.title), Paragraph(esc(unit), st.subtitle)]
    if version.print_number:
        story.append(Paragraph(f"Nomor: {esc(version.print_number)}", st.subtitle))
    story += [Spacer(1, 4 * mm), Paragraph(STATEMENT, st.body), Spacer(1, 3 * mm),
              _identity(st, first, "selanjutnya disebut PIHAK PERTAMA"), Spacer(1, 3 * mm),
              _identity(st, second, "selaku atasan pihak pertama, selanjutnya disebut PIHAK KEDUA"),
              Spacer(1, 4 * mm), Paragraph(PROMISE, st.body), Spacer(1, 2 * mm), Paragraph(SUPERVISION, st.body),
              Spacer(1, 8 * mm),
              parts.signature_block(first, second, version.place, version.planned_signing_date, st),
              PageBreak(),
              Paragraph(f"LAMPIRAN {esc(title)}", st.title), Paragraph(esc(unit), st.subtitle),
              Spacer(1, 2 * mm)]
    header = ["No", "Sasaran Strategis", "Indikator Kinerja", "Target", "TW I", "TW II", "TW III", "TW IV"]
    rows = [header] + [[str(i), t.objective, t.indicator, f"{parts.number(t.target)} {t.unit_of_measure}",
                        parts.number(t.q1), parts.number(t.q2), parts.number(t.q3), parts.number(t.q4)]
                       for i, t in enumerate(version.pk_targets, start=1)]
    story.append(parts.table(rows, [9 * mm, 42 * mm, 50 * mm, 25 * mm, 11 * mm, 11 * mm, 11 * mm, 11 * mm], st=st))
    story += [Spacer(1, 5 * mm)]
    rows = [["No", "Program", "Anggaran (Rp)", "Keterangan"]] + [
        [str(i), p.programme, parts.rupiah(p.budget), p.note or ""] for i, p in enumerate(version.pk_programmes, start=1)]
    total = sum((p.budget for p in version.pk_programmes), start=0)
    rows.append(["", "Jumlah", parts.rupiah(total), ""])
    story.append(parts.table(rows, [9 * mm, 91 * mm, 35 * mm, 35 * mm], st=st))
    story += [CondPageBreak(70 * mm), Spacer(1, 8 * mm),
              KeepTogether(parts.signature_block(first, second, version.place, version.planned_signing_date, st))]
    meta = parts.Meta(title=f"{title} – {agreement.opd.name} (versi {version.number})",
                      subject="Perjanjian Kinerja (PermenPANRB 53/2014)", code=version.verification_code,
                      verify_url=verify_url(version.verification_code), unit_name=None)
    return parts.build(story, A4, meta)
