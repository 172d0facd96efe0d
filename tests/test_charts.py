"""Server-side charts: the same geometry as SVG (no inline style, so the CSP holds) and as a
reportlab drawing; each names itself and its values for screen readers."""
import io
import xml.etree.ElementTree as ET

from reportlab.graphics import renderPDF

from ekinerja.charts import draw

NS = "{http://www.w3.org/2000/svg}"


def test_trend_svg_is_accessible_and_has_no_inline_style():
    chart = draw.trend("Tren NKO 2026", ["Jan", "Feb", "Mar"], [("NKO", [95, None, 101.5], "#0b5d3b")], unit="%",
                       reference=100)
    svg = chart.svg()
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.find(f"{NS}title").text == "Tren NKO 2026"
    assert "Feb tidak ada data" in root.find(f"{NS}desc").text
    assert "style=" not in svg
    # a missing month breaks the line: two points apart, no polyline through February
    assert [p.get("points").count(",") for p in root.iter(f"{NS}polyline")] == []
    marks = [r for r in root.iter(f"{NS}rect") if r.find(f"{NS}title") is not None]
    assert [m.find(f"{NS}title").text for m in marks] == ["NKO, Jan: 95%", "NKO, Mar: 101.5%"]


def test_bars_and_heatmap_draw_in_a_pdf_too():
    bars = draw.bars("Peringkat OPD", [("Dinas Kesehatan", 104.2, "#1a7f37"), ("Bappeda", None, "")], unit="%")
    heat = draw.heatmap("Kelengkapan", ["Dinas Kesehatan"], ["Jan", "Feb"], {(0, 0): ("#1a7f37", "100%")})
    assert "tidak ada data" in bars.svg() and "Dinas Kesehatan, Feb: tidak ada data" in heat.svg()
    for chart in (bars, heat):
        buf = io.BytesIO()
        renderPDF.drawToFile(chart.drawing(), buf)
        assert buf.getvalue().startswith(b"%PDF")


def test_two_charts_on_one_page_name_their_own_title_and_description():
    chart = draw.bars("Peringkat", [("A", 1, "#1a7f37")])
    a, b = ET.fromstring(chart.svg("satu")), ET.fromstring(chart.svg("dua"))
    assert a.get("aria-labelledby") == "satu-t satu-d" and b.find(f"{NS}title").get("id") == "dua-t"


def test_drawing_starts_from_the_font_it_is_given():
    """A chart in a PDF names only the font it was drawn with (an embedded one), not Helvetica."""
    chart = draw.bars("Judul", [("A", 50.0, "#2da44e")], unit="%")
    assert chart.drawing(font="DejaVuSans").initialFontName == "DejaVuSans"
