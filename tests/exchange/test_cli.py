"""flask exchange import / export."""
import json

from sqlalchemy import select

from ekinerja.audit.models import AuditEntry
from ekinerja.exchange import document_to_workbook, export_document, workbook_to_document
from ekinerja.extensions import db
from tests.exchange.conftest import SAMPLE, audit_rows, row_counts


def test_import_json_prints_counts_and_twice_changes_nothing(ctx, runner):
    result = runner.invoke(args=["exchange", "import", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "Selesai: 11 baru, 0 diubah, 0 tetap." in result.output
    assert "  indicators: 2 baru, 0 diubah, 0 tetap" in result.output
    assert set(db.session.scalars(select(AuditEntry.actor_label))) == {"cli:exchange import"}
    trail = audit_rows()
    again = runner.invoke(args=["exchange", "import", str(SAMPLE)])
    assert again.exit_code == 0 and "Selesai: 0 baru, 0 diubah, 11 tetap." in again.output
    assert audit_rows() == trail


def test_import_with_errors_exits_1_with_every_error_on_its_own_line(ctx, runner, sample, tmp_path):
    sample["scorecards"][1]["objectives"][0]["indicators"][0]["polarity"] = "maximum"
    sample["realisations"][0]["month"] = 13
    path = tmp_path / "salah.json"
    path.write_text(json.dumps(sample), encoding="utf-8")
    result = runner.invoke(args=["exchange", "import", str(path)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines == ["GAGAL: 2 kesalahan pada dokumen; tidak ada data yang disimpan.",
                     "  scorecards[1].objectives[0].indicators[0].polarity: 'maximum' is not one of max, min, stabilize",
                     "  realisations[0].month: 13 is not between 1 and 12"]
    assert set(row_counts(skip=()).values()) == {0}


def test_import_xlsx_and_its_errors(ctx, runner, sample, tmp_path):
    sample["organisation"]["opds"][0]["code"] = "1.02.X"
    path = tmp_path / "salah.xlsx"
    path.write_bytes(document_to_workbook(sample))
    result = runner.invoke(args=["exchange", "import", str(path)])
    assert result.exit_code == 1
    assert "  opds!R2.code: '1.02.X' is not a SIPD code (digits separated by dots)" in result.stderr.splitlines()
    path.write_bytes(document_to_workbook(json.loads(SAMPLE.read_text(encoding="utf-8"))))
    result = runner.invoke(args=["exchange", "import", str(path)])
    assert result.exit_code == 0 and "Selesai: 11 baru, 0 diubah, 0 tetap." in result.output


def test_import_of_unreadable_files(ctx, runner, tmp_path):
    bad = tmp_path / "rusak.json"
    bad.write_text('{"format": "ekinerja/v1",', encoding="utf-8")
    result = runner.invoke(args=["exchange", "import", str(bad)])
    assert result.exit_code == 1 and "(file): " in result.stderr
    other = tmp_path / "data.csv"
    other.write_text("a,b\n", encoding="utf-8")
    assert runner.invoke(args=["exchange", "import", str(other)]).exit_code == 2
    assert runner.invoke(args=["exchange", "import", str(tmp_path / "tidak-ada.json")]).exit_code == 2


def test_export_json_to_stdout_and_xlsx_to_a_file(ctx, runner, tmp_path):
    assert runner.invoke(args=["exchange", "import", str(SAMPLE)]).exit_code == 0
    result = runner.invoke(args=["exchange", "export", "--year", "2025"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == export_document(2025)

    result = runner.invoke(args=["exchange", "export", "--year", "2025", "--computed", "--month", "3",
                                 "--organisation", "--format", "xlsx", "-o", str(tmp_path / "kinerja.xlsx")])
    assert result.exit_code == 0, result.output
    assert "2 kartu kinerja dan 1 realisasi ditulis" in result.output
    expected = export_document(2025, 3, computed=True, include_organisation=True)
    assert workbook_to_document((tmp_path / "kinerja.xlsx").read_bytes()) == expected
    opd_card = expected["scorecards"][1]
    assert opd_card["computed"]["nko"] == "105.71"  # min: 2 − 13.2/14

    out = tmp_path / "kinerja.json"
    assert runner.invoke(args=["exchange", "export", "--year", "2025", "-o", str(out)]).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == export_document(2025)


def test_export_usage_errors(ctx, runner):
    assert runner.invoke(args=["exchange", "export", "--year", "2025", "--format", "xlsx"]).exit_code == 2
    assert runner.invoke(args=["exchange", "export", "--year", "2025", "--month", "13"]).exit_code == 2
    assert runner.invoke(args=["exchange", "export"]).exit_code == 2
