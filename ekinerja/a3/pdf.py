"""The A3 agreement on A3 landscape (A4 landscape on request): the parties, Attitude and Attention
side by side, the Action table across the page, and the signatures."""
from __future__ import annotations

from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer, Table, TableStyle

from ekinerja.contracts.models import AgreementVersion, Level
from ekinerja.contracts.pdf import parties, verify_url
from ekinerja.pdf import fonts, parts
from ekinerja.pdf.parts import esc
from ekinerja.web import MONTHS_ID


def render_a3(version: AgreementVersion, paper: str = "A3") -> bytes:
    pagesize = landscape(A3 if paper == "A3" else A4)
    scale = 1.0 if paper == "A3" else 0.72
    st = parts.styles(11 if paper == "A3" else 8.5)
    width = pagesize[0] - 2 * 15 * mm
    agreement = version.agreement
    first, second = parties(version)
    title = f"PERJANJIAN A3 (ATTITUDE, ATTENTION, ACTION) TAHUN {agreement.year}"
    if version.amendment_reason is not None:
        title = f"PERUBAHAN PERJANJIAN A3 TAHUN {agreement.year} (VERSI {version.number})"
    unit = agreement.opd.name if agreement.level == Level.GOVERNOR_OPD else \
        f"{agreement.first_position.unit.name} – {agreement.opd.name}"
    story = [Paragraph(esc(title), st.title), Paragraph(esc(unit.upper()), st.subtitle)]
    if version.print_number:
        story.append(Paragraph(f"Nomor: {esc(version.print_number)}", st.subtitle))
    story.append(Paragraph(
        f"Perjanjian ini dibuat antara <b>{esc(first.name)}</b> ({esc(first.position)}) sebagai PIHAK PERTAMA "
        f"dan <b>{esc(second.name)}</b> ({esc(second.position)}) sebagai PIHAK KEDUA, untuk tahun "
        f"{agreement.year}. PIHAK PERTAMA berkomitmen menjalankan sikap (Attitude), memberi perhatian pada program "
        "prioritas provinsi (Attention), dan mewujudkan aksi (Action) berikut; PIHAK KEDUA melakukan supervisi dan "
        "evaluasi atas capaiannya.", st.body))
    story.append(Spacer(1, 4 * mm))
    half = (width - 6 * mm) / 2
    attitude = [["No", "ATTITUDE – komitmen sikap", "Ukuran"]] + [
        [str(a.position), a.commitment, a.indicator or "–"] for a in version.a3_attitudes]
    attention = [["No", "ATTENTION – program prioritas", "Jenis", "Mendukung"]] + [
        [str(a.position), a.programme, a.kind.label, a.serves] for a in version.a3_attentions]
    left = parts.table(attitude, [10 * mm * scale, half * 0.62, half - 10 * mm * scale - half * 0.62], st=st)
    right = parts.table(attention, [10 * mm * scale, half * 0.40, half * 0.2, half - 10 * mm * scale - half * 0.6], st=st)
    pair = Table([[left, right]], colWidths=[half + 3 * mm, half + 3 * mm])
    pair.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 3 * mm), ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR)]))
    story += [pair, Spacer(1, 5 * mm)]
    header = ["No", "ACTION – indikator", "Mendukung IKU", "Target", "TW I", "TW II", "TW III", "TW IV",
              "Anggaran (Rp)", "Penanggung jawab", "Batas waktu"]
    rows = [header] + [[
        str(a.position), f"{a.code + ' ' if a.code else ''}{a.action}", a.serves or "–",
        f"{parts.number(a.target)} {a.unit_of_measure}", parts.number(a.q1), parts.number(a.q2),
        parts.number(a.q3), parts.number(a.q4), parts.rupiah(a.budget).replace("Rp ", "") if a.budget is not None else "–",
        a.responsible or "–", MONTHS_ID[a.due_month - 1] if a.due_month else "–"] for a in version.a3_actions]
    fractions = [0.03, 0.24, 0.17, 0.08, 0.05, 0.05, 0.05, 0.05, 0.09, 0.12, 0.07]
    story.append(parts.table(rows, [width * f for f in fractions], st=st))
    story += [CondPageBreak(75 * mm * scale), Spacer(1, 6 * mm),
              KeepTogether(parts.signature_block(first, second, version.place, version.planned_signing_date, st,
                                                 width=min(width, 260 * mm)))]
    meta = parts.Meta(title=f"{title} – {agreement.opd.name} (versi {version.number})",
                      subject="Perjanjian A3 Pemerintah Provinsi NTB", code=version.verification_code,
                      verify_url=verify_url(version.verification_code))
    return parts.build(story, pagesize, meta)
