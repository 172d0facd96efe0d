"""The baseline of bench/run.py: a bare Flask route rendering a 50-row Jinja table, served by the
same gunicorn settings as the app. Every page's throughput is printed as a ratio of this one's.

    gunicorn --workers 2 bench.baseline_app:app
"""
from __future__ import annotations

from flask import Flask, render_template_string

app = Flask(__name__)

ROWS = [{"no": i, "code": f"IKU-{i:02d}", "name": f"Indikator kinerja nomor {i}", "target": 100 + i,
         "value": 95 + i * 0.5} for i in range(1, 51)]

TEMPLATE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Baseline</title></head>
<body><main><h1>Tabel 50 baris</h1>
<table><thead><tr><th>No</th><th>Kode</th><th>Indikator</th><th>Target</th><th>Realisasi</th><th>Capaian</th></tr></thead>
<tbody>{% for r in rows %}
<tr><td>{{ r.no }}</td><td>{{ r.code }}</td><td>{{ r.name }}</td><td>{{ r.target }}</td>
<td>{{ "%.2f"|format(r.value) }}</td><td>{{ "%.1f"|format(r.value / r.target * 100) }}%</td></tr>{% endfor %}
</tbody></table></main></body></html>"""


@app.get("/")
def table():
    return render_template_string(TEMPLATE, rows=ROWS)
