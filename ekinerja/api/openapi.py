"""The OpenAPI 3 document of /api/v1 (api.md): what the server really does, route by route.

tests/api/test_openapi.py holds it to that: every route of the blueprint is a path here and every
path a route, and the answers of the endpoints are checked against the schemas below.
"""
from __future__ import annotations

from ekinerja.bsc.models import OwnerKind, Perspective
from ekinerja.bsc.scoring import Aggregation, Colour, Polarity

JSON = "application/json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    """A $ref that may be null (OpenAPI 3.0 has no sibling keywords beside $ref)."""
    return {"allOf": [schema], "nullable": True} if "$ref" in schema else {**schema, "nullable": True}


def string(description: str | None = None, **extra) -> dict:
    out = {"type": "string", **extra}
    if description:
        out["description"] = description
    return out


def decimal(description: str, null: bool = False) -> dict:
    out = string(description, pattern=r"^-?\d+(\.\d+)?$", example="72.5")
    return nullable(out) if null else out


def percent(description: str, null: bool = True) -> dict:
    out = string(description + " (persen, dua desimal)", pattern=r"^-?\d+\.\d{2}$", example="80.00")
    return nullable(out) if null else out


def obj(properties: dict, required: list[str] | None = None, description: str | None = None, **extra) -> dict:
    out = {"type": "object", "properties": properties, **extra}
    out["required"] = list(properties) if required is None else required
    if description:
        out["description"] = description
    return out


def data_of(schema: dict) -> dict:
    return obj({"data": schema})


def ok(description: str, schema: dict) -> dict:
    return {"description": description, "content": {JSON: {"schema": data_of(schema)}}}


def err(name: str) -> dict:
    return {"$ref": f"#/components/responses/{name}"}


def param(name: str) -> dict:
    return {"$ref": f"#/components/parameters/{name}"}


def path_id(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "integer", "minimum": 1}}


COLOURS = [c.value for c in Colour]
PERSPECTIVES = [p.value for p in Perspective]

SCHEMAS = {
    "Error": obj({"error": obj({
        "code": string("Kode mesin: unauthorized, forbidden, not_found, bad_request, invalid, …"),
        "message": string("Pesan untuk manusia: bahasa Indonesia, atau Inggris dengan Accept-Language: en"),
        "details": {"type": "array", "items": {"type": "object", "description":
                    "Satu kesalahan: field (parameter atau isian) atau path (JSON path dokumen), dan message"}},
    })}),
    "Me": obj({
        "id": {"type": "integer"},
        "username": string(),
        "name": string(),
        "roles": {"type": "array", "items": obj({"role": string(enum=["admin", "governor_office", "opd_operator",
                                                                    "auditor", "governor"]),
                                                  "opd": nullable(string("Kode SIPD OPD (hanya operator OPD)"))})},
        "employee": nullable(obj({
            "nip": string(),
            "position": nullable(obj({"id": {"type": "integer"}, "name": string(), "kind": string(),
                                      "unit": string(), "opd": string(), "is_unit_head": {"type": "boolean"}})),
        })),
    }),
    "Owner": obj({
        "kind": string(enum=[k.value for k in OwnerKind]),
        "code": string("Kode SIPD OPD (kind opd) atau kode unit (kind unit)"),
        "nip": string("NIP pegawai (kind employee)"),
        "opd": string("Kode SIPD OPD tempat unit atau pegawai (kind unit, employee)"),
        "position": nullable(string("Jabatan pegawai saat ini (kind employee)")),
        "name": string(),
    }, required=["kind", "name"], description="Pemilik kartu kinerja"),
    "IndicatorComputed": obj({
        "month": {"type": "integer", "minimum": 1, "maximum": 12},
        "target": decimal("Target s.d. bulan ini (domain.md §3.2), tanpa pembulatan"),
        "target_high": decimal("Batas atas rentang target s.d. bulan ini", null=True),
        "realisation": decimal("Realisasi s.d. bulan ini; null bila belum ada data", null=True),
        "achievement": percent("Capaian"),
        "score": percent("Skor: capaian dibatasi 0–120%"),
        "colour": string(enum=COLOURS),
        "missing_months": {"type": "array", "items": {"type": "integer"}, "description": "Bulan tanpa nilai"},
        "coverage": percent("100.00 bila ada skor, 0.00 bila tidak", null=False),
    }, description="Angka satu indikator pada suatu bulan (interchange.md `computed`)"),
    "WeightedComputed": obj({
        "month": {"type": "integer"},
        "score": percent("Rata-rata tertimbang skor indikator yang ada datanya"),
        "colour": string(enum=COLOURS),
        "coverage": percent("Bagian bobot yang ada datanya", null=False),
    }),
    "ScorecardComputed": obj({
        "month": {"type": "integer"},
        "nko": percent("Nilai Kinerja Organisasi"),
        "nko_colour": string(enum=COLOURS),
        "coverage": percent("Bagian bobot yang ada datanya", null=False),
        "perspectives": {"type": "object", "description": "NKP per perspektif yang memiliki indikator",
                         "additionalProperties": percent("NKP")},
    }),
    "IndicatorFields": obj({
        "id": {"type": "integer"},
        "code": string(),
        "name": string(),
        "unit": string("Satuan"),
        "definition": nullable(string()),
        "formula": nullable(string()),
        "data_source": nullable(string()),
        "polarity": string(enum=[p.value for p in Polarity]),
        "aggregation": string(enum=[a.value for a in Aggregation]),
        "weight": decimal("Bobot"),
        "target": decimal("Target tahunan (batas bawah bila ada rentang)"),
        "target_high": decimal("Batas atas rentang target", null=True),
        "monthly_targets": nullable({"type": "array", "items": nullable(string()), "minItems": 12, "maxItems": 12}),
        "rollup": string(enum=["manual", "children_sum", "children_average", "children_score"]),
        "parent_id": nullable({"type": "integer"}),
        "cascade_kind": nullable(string(enum=["direct", "indirect"])),
    }),
    "ScorecardIndicator": {"allOf": [ref("IndicatorFields"), obj({
        "weight_share": percent("Bobot dinormalkan ke 100% kartu"),
        "computed": ref("IndicatorComputed"),
    })]},
    "Objective": obj({
        "id": {"type": "integer"},
        "code": string(),
        "name": string(),
        "perspective": string(enum=PERSPECTIVES),
        "computed": ref("WeightedComputed"),
        "indicators": {"type": "array", "items": ref("ScorecardIndicator")},
    }),
    "PerspectiveFigures": obj({
        "perspective": string(enum=PERSPECTIVES),
        "name": string(),
        "weight": decimal("Bobot perspektif untuk NKO", null=True),
        "computed": ref("WeightedComputed"),
        "objectives": {"type": "array", "items": ref("Objective")},
    }),
    "Scorecard": obj({
        "id": {"type": "integer"},
        "year": {"type": "integer"},
        "owner": ref("Owner"),
        "perspective_weights": nullable({"type": "object", "additionalProperties": decimal("Bobot")}),
        "month": {"type": "integer"},
        "provisional": {"type": "boolean", "description": "true: nilai yang diajukan ikut dihitung (sementara)"},
        "computed": ref("ScorecardComputed"),
        "perspectives": {"type": "array", "items": ref("PerspectiveFigures")},
    }),
    "ScorecardSummary": obj({
        "id": {"type": "integer"},
        "year": {"type": "integer"},
        "owner": ref("Owner"),
        "indicator_count": {"type": "integer"},
    }),
    "CascadeNode": {"allOf": [
        {"anyOf": [ref("IndicatorFields"), obj({"restricted": {"type": "boolean", "enum": [True]}})]},
        obj({
            "id": {"type": "integer"},
            "code": string(),
            "name": string(),
            "scorecard_id": {"type": "integer"},
            "owner": ref("Owner"),
            "restricted": {"type": "boolean", "description":
                           "true: mata rantai yang tidak boleh dilihat pemanggil, tanpa angka, "
                           "ditampilkan karena ada indikator yang boleh dilihat di bawahnya"},
            "cascade_kind": nullable(string(enum=["direct", "indirect"])),
            "computed": nullable(ref("IndicatorComputed")),
            "children": {"type": "array", "items": ref("CascadeNode")},
        }, required=["id", "code", "name", "scorecard_id", "owner", "restricted", "cascade_kind",
                     "computed", "children"]),
    ]},
    "Cascade": obj({
        "year": {"type": "integer"},
        "month": {"type": "integer"},
        "provisional": {"type": "boolean"},
        "root": ref("CascadeNode"),
    }),
    "ExchangeDocument": {
        "type": "object", "required": ["format", "year"],
        "description": "Dokumen pertukaran ekinerja/v1 (interchange.md): organisation, scorecards, realisations",
        "properties": {"format": string(enum=["ekinerja/v1"]), "year": {"type": "integer"},
                       "organisation": {"type": "object"},
                       "scorecards": {"type": "array", "items": {"type": "object"}},
                       "realisations": {"type": "array", "items": {"type": "object"}}},
    },
    "ImportResult": {
        "type": "object", "required": ["created", "updated", "unchanged"],
        "description": "Jumlah butir yang dibuat, diubah dan tetap",
        "properties": {"created": {"type": "integer"}, "updated": {"type": "integer"},
                       "unchanged": {"type": "integer"},
                       "counts": {"type": "object", "description": "Per jenis butir (opds, units, employees, "
                                  "scorecards, objectives, indicators, realisations, …): created, updated, unchanged",
                                  "additionalProperties": {"type": "object",
                                                           "additionalProperties": {"type": "integer"}}}},
    },
}

PARAMETERS = {
    "Year": {"name": "year", "in": "query", "required": False,
             "description": "Tahun (2000–2100); bawaan: tahun berjalan (WITA)",
             "schema": {"type": "integer", "minimum": 2000, "maximum": 2100}},
    "Month": {"name": "month", "in": "query", "required": False,
              "description": "Bulan 1–12: angka s.d. bulan ini (triwulan q = bulan 3q); bawaan 12",
              "schema": {"type": "integer", "minimum": 1, "maximum": 12, "default": 12}},
    "Provisional": {"name": "provisional", "in": "query", "required": False,
                    "description": "1: hitung juga nilai yang sudah diajukan (tampilan sementara); "
                                   "bawaan: hanya nilai yang disetujui. Seperti semua penanda di API ini, "
                                   "true dan false juga diterima.",
                    "schema": {"type": "integer", "enum": [0, 1], "default": 0}},
}

RESPONSES = {
    "BadRequest": {"description": "Parameter tidak valid (details menyebut parameternya)",
                   "content": {JSON: {"schema": ref("Error")}}},
    "Unauthorized": {"description": "Token tidak ada atau tidak sah",
                     "content": {JSON: {"schema": ref("Error")}}},
    "Forbidden": {"description": "Pemanggil tidak berhak", "content": {JSON: {"schema": ref("Error")}}},
    "NotFound": {"description": "Tidak ditemukan", "content": {JSON: {"schema": ref("Error")}}},
    "Invalid": {"description": "Isi tidak valid: details memuat setiap kesalahan dengan path-nya",
                "content": {JSON: {"schema": ref("Error")}}},
}

LANGUAGE = {"name": "Accept-Language", "in": "header", "required": False,
            "description": "en: pesan kesalahan dalam bahasa Inggris", "schema": {"type": "string"}}


# ---------------------------------------------------------------- realisations (api.md "Realisations")

STATUSES = ["draft", "submitted", "approved", "returned"]
VERSION_RULE = ("Versi yang terakhir dilihat klien (bilangan bulat). Versi yang usang, atau tidak disertakan "
                "padahal realisasinya sudah ada: 409, tanpa perubahan apa pun.")

SCHEMAS.update({
    "Evidence": obj({
        "id": {"type": "integer"},
        "name": string("Nama berkas (ekstensi mengikuti jenis isi berkas)"),
        "size": {"type": "integer", "description": "Ukuran dalam byte"},
        "sha256": string(pattern=r"^[0-9a-f]{64}$"),
        "content_type": string(enum=["application/pdf", "image/jpeg", "image/png",
                                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"]),
        "uploaded_at": string("Waktu unggah (ISO 8601, UTC)"),
        "url": string("Alamat unduhan: GET dengan token yang sama"),
    }, description="Berkas bukti satu realisasi"),
    "Realisation": obj({
        "id": {"type": "integer"},
        "indicator": obj({"id": {"type": "integer"}, "code": string(), "name": string(), "unit": string("Satuan"),
                          "scorecard_id": {"type": "integer"}}),
        "owner": ref("Owner"),
        "year": {"type": "integer"},
        "month": {"type": "integer", "minimum": 1, "maximum": 12},
        "value": decimal("Nilai bulan ini", null=True),
        "status": string(enum=STATUSES),
        "version": {"type": "integer", "minimum": 1,
                    "description": "Naik pada setiap perubahan nilai, status atau bukti; kirim kembali saat mengubah"},
        "note": nullable(string("Catatan")),
        "reason": nullable(string("Faktor penghambat (wajib bila capaian merah saat diajukan)")),
        "follow_up": nullable(string("Tindak lanjut (wajib bila capaian merah saat diajukan)")),
        "return_comment": nullable(string("Catatan atasan saat mengembalikan")),
        "submitted_at": nullable(string("ISO 8601, UTC")),
        "decided_at": nullable(string("ISO 8601, UTC")),
        "updated_at": string("ISO 8601, UTC"),
        "evidence": {"type": "array", "items": ref("Evidence")},
        "computed": {"allOf": [ref("IndicatorComputed")], "description":
                     "Angka indikator pada bulan ini (domain.md §3.1) bila nilai ini dihitung: nilai ini bersama "
                     "nilai bulan-bulan sebelumnya yang disetujui atau diajukan, seperti formulir isian "
                     "menampilkannya (merah: faktor penghambat dan tindak lanjut wajib saat diajukan). Angka "
                     "resmi /scorecards/{scorecard_id} hanya menghitung nilai yang disetujui; bila semuanya "
                     "disetujui, keduanya sama."},
    }, description="Realisasi satu indikator pada satu bulan"),
    "EvidenceAdded": obj({"evidence": ref("Evidence"), "realisation": ref("Realisation")}),
    "MonthState": obj({
        "month": {"type": "integer", "minimum": 1, "maximum": 12},
        "state": string("not_started: belum dimulai; open: terbuka; reopened: dibuka kembali untuk OPD ini; "
                        "closed: lewat batas waktu; locked: dikunci administrator",
                        enum=["not_started", "open", "reopened", "closed", "locked"]),
        "deadline": string("Hari terakhir pengisian (YYYY-MM-DD)", format="date"),
        "locked": {"type": "boolean"},
        "reopened_until": nullable(string("Dibuka kembali s.d. tanggal ini", format="date")),
    }),
    "StoredRealisation": obj({
        "id": {"type": "integer"},
        "month": {"type": "integer", "minimum": 1, "maximum": 12},
        "value": decimal("Nilai", null=True),
        "status": string(enum=STATUSES),
        "version": {"type": "integer", "minimum": 1},
    }),
    "MyIndicator": {"allOf": [ref("IndicatorFields"), obj({
        "entered": {"type": "boolean", "description": "true: nilainya diisi (rollup manual); false: dihitung "
                                                      "dari indikator di bawahnya, tidak diisi"},
        "realisations": {"type": "array", "items": ref("StoredRealisation"),
                         "description": "Realisasi tahun ini yang sudah ada, urut bulan, dengan versinya"},
    })]},
    "MyIndicators": obj({
        "year": {"type": "integer"},
        "scorecards": {"type": "array", "items": obj({
            "id": {"type": "integer"},
            "owner": ref("Owner"),
            "months": {"type": "array", "items": ref("MonthState"), "minItems": 12, "maxItems": 12},
            "indicators": {"type": "array", "items": ref("MyIndicator")},
        })},
    }),
    "RealisationEntry": {
        "type": "object", "additionalProperties": False,
        "description": "Isian yang tidak dikirim tetap seperti tersimpan; null atau \"\" mengosongkannya. "
                       "Isian lain: 400.",
        "properties": {
            "value": nullable(string("Nilai sebagai string: \"12.5\" (juga \"12,5\"); paling banyak 4 desimal",
                                     example="12.5")),
            "note": nullable(string("Catatan (paling panjang 4000 karakter)")),
            "reason": nullable(string("Faktor penghambat")),
            "follow_up": nullable(string("Tindak lanjut")),
            "version": nullable({"type": "integer", "description": VERSION_RULE + " Kosongkan saat membuat."}),
        },
    },
    "Decision": {"type": "object", "additionalProperties": False, "required": ["version"],
                 "properties": {"version": {"type": "integer", "description": VERSION_RULE}}},
    "ReturnDecision": {"type": "object", "additionalProperties": False, "required": ["version", "comment"],
                       "properties": {"version": {"type": "integer", "description": VERSION_RULE},
                                      "comment": string("Apa yang perlu diperbaiki (wajib; tanpa komentar: 422)")}},
})

RESPONSES.update({
    "BadBody": {"description": "Badan permintaan rusak: bukan objek JSON, isian tak dikenal, atau tipe isian salah "
                               "(details menyebut setiap isian)", "content": {JSON: {"schema": ref("Error")}}},
    "Conflict": {"description": "Versi usang atau tidak disertakan: data telah diubah (atau dibuat) oleh orang lain; "
                                "tidak ada yang berubah. Muat ulang lalu coba lagi.",
                 "content": {JSON: {"schema": ref("Error")}}},
    "Locked": {"description": "Bulan ini sudah ditutup (lewat batas waktu), dikunci administrator, atau belum "
                              "dimulai; tidak ada yang berubah", "content": {JSON: {"schema": ref("Error")}}},
    "Unprocessable": {"description": "Nilai tidak valid (code invalid: details menyebut setiap field) atau "
                                     "perubahan status tidak diizinkan (code invalid_transition)",
                      "content": {JSON: {"schema": ref("Error")}}},
})


def _json_body(schema: dict) -> dict:
    return {"required": True, "content": {JSON: {"schema": schema}}}


def realisation_paths() -> dict:
    realisation_id = path_id("realisation_id", "Id realisasi")
    refusals = {"400": err("BadBody"), "401": err("Unauthorized"), "403": err("Forbidden"), "404": err("NotFound"),
                "409": err("Conflict"), "422": err("Unprocessable"), "423": err("Locked")}

    def decision(operation_id: str, summary: str, description: str, body: dict) -> dict:
        return {"post": {
            "operationId": operation_id, "summary": summary, "description": description,
            "parameters": [realisation_id, LANGUAGE], "requestBody": _json_body(body),
            "responses": {"200": ok("Realisasi dengan status dan versi barunya", ref("Realisation")), **refusals}}}

    return {
        "/me/indicators": {"get": {
            "operationId": "myIndicators",
            "summary": "Indikator yang nilainya diisi pemanggil, dengan targetnya",
            "description": "Kartu kinerja tahun ini yang realisasinya diisi pemanggil sendiri: miliknya, unit yang "
                           "dipimpinnya, OPD yang dioperasikannya, kartu provinsi (Biro Organisasi). Per kartu: "
                           "keadaan dua belas bulan (terbuka, ditutup, dikunci, dibuka kembali) dan indikatornya "
                           "dengan target tahunan, rentang, target bulanan, polaritas, agregasi, satuan, dan "
                           "realisasi yang sudah ada beserta versinya.",
            "parameters": [param("Year"), LANGUAGE],
            "responses": {"200": ok("Kartu dan indikator pemanggil", ref("MyIndicators")),
                          "400": err("BadRequest"), "401": err("Unauthorized")}}},
        "/realisations": {"get": {
            "operationId": "listRealisations",
            "summary": "Realisasi yang boleh dilihat pemanggil",
            "description": "Realisasi kartu-kartu yang boleh dilihat pemanggil (seperti GET /scorecards): semua "
                           "untuk administrator, Biro Organisasi, gubernur dan auditor; OPD-nya untuk operator OPD; "
                           "subpohon unitnya untuk kepala unit; miliknya sendiri (dan kartu provinsi) untuk staf. "
                           "Urut bulan, OPD, kartu, kode indikator; per halaman (meta.total: jumlah seluruhnya).",
            "parameters": [
                param("Year"),
                {"name": "month", "in": "query", "required": False,
                 "description": "Bulan 1–12; bawaan: semua bulan", "schema": {"type": "integer", "minimum": 1,
                                                                             "maximum": 12}},
                {"name": "opd", "in": "query", "required": False,
                 "description": "Kode SIPD OPD: hanya kartu di dalam OPD ini (kode yang tidak dikenal: daftar kosong)",
                 "schema": {"type": "string"}},
                {"name": "status", "in": "query", "required": False, "schema": {"type": "string", "enum": STATUSES}},
                {"name": "page", "in": "query", "required": False, "description": "Halaman, mulai 1",
                 "schema": {"type": "integer", "minimum": 1, "default": 1}},
                {"name": "per_page", "in": "query", "required": False, "description": "Butir per halaman (1–500)",
                 "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 100}},
                LANGUAGE],
            "responses": {
                "200": {"description": "Satu halaman realisasi", "content": {JSON: {"schema": obj({
                    "data": {"type": "array", "items": ref("Realisation")},
                    "meta": obj({"page": {"type": "integer"}, "per_page": {"type": "integer"},
                                 "total": {"type": "integer"}}),
                })}}},
                "400": err("BadRequest"), "401": err("Unauthorized")}}},
        "/indicators/{indicator_id}/realisations/{year}/{month}": {"put": {
            "operationId": "putRealisation",
            "summary": "Buat atau ubah nilai satu bulan (draf atau yang dikembalikan)",
            "description": "Hanya untuk indikator yang nilainya diisi pemanggil (miliknya, atau atas namanya oleh "
                           "operator OPD atau atasan), rollup manual, pada bulan yang terbuka. Membuat: tanpa "
                           "version, jawaban 201. Mengubah: version yang terakhir dilihat, jawaban 200; versi usang: "
                           "409 dan nilai tersimpan tidak berubah. Mengubah realisasi yang dikembalikan menjadikannya "
                           "draf lagi.",
            "parameters": [path_id("indicator_id", "Id indikator"),
                           {"name": "year", "in": "path", "required": True,
                            "description": "Tahun indikator; tahun lain: 404",
                            "schema": {"type": "integer", "minimum": 2000, "maximum": 2100}},
                           {"name": "month", "in": "path", "required": True, "description": "Bulan 1–12",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 12}},
                           LANGUAGE],
            "requestBody": _json_body(ref("RealisationEntry")),
            "responses": {"200": ok("Realisasi yang diubah (atau tetap bila tidak ada yang berbeda)",
                                    ref("Realisation")),
                          "201": ok("Realisasi yang dibuat (draf, versi 1)", ref("Realisation")), **refusals}}},
        "/realisations/{realisation_id}/submit": decision(
            "submitRealisation", "Ajukan draf atau realisasi yang dikembalikan kepada atasan",
            "Oleh pengisi indikator. Nilai wajib ada; bila capaiannya merah (di bawah 80%), faktor penghambat "
            "(reason) dan tindak lanjut (follow_up) wajib diisi lebih dulu: 422 menyebut keduanya.",
            ref("Decision")),
        "/realisations/{realisation_id}/approve": decision(
            "approveRealisation", "Setujui realisasi yang diajukan",
            "Oleh atasan yang berwenang (domain.md §4): atasan langsung pemilik, kepala OPD untuk kartu OPD, Biro "
            "Organisasi untuk kartu provinsi dan kepala OPD. Hanya nilai yang disetujui masuk angka resmi.",
            ref("Decision")),
        "/realisations/{realisation_id}/return": decision(
            "returnRealisation", "Kembalikan realisasi yang diajukan, dengan komentar",
            "Oleh atasan yang berwenang; komentar wajib (tanpa komentar: 422). Pemilik memperbaiki lalu mengajukan "
            "kembali.", ref("ReturnDecision")),
        "/realisations/{realisation_id}/evidence": {"post": {
            "operationId": "addEvidence",
            "summary": "Lampirkan satu berkas bukti",
            "description": "PDF, JPG, PNG, XLSX atau DOCX, paling besar 10 MB; jenisnya dibaca dari isi berkas, "
                           "bukan dari namanya (berkas lain: 422). Hanya pada draf atau realisasi yang dikembalikan, "
                           "pada bulan yang terbuka. Versi realisasi naik.",
            "parameters": [realisation_id, LANGUAGE],
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": obj({
                "file": string("Berkas bukti", format="binary"),
                "version": {"type": "integer", "description": VERSION_RULE},
            })}}},
            "responses": {"201": ok("Bukti yang ditambahkan dan realisasi dengan versi barunya", ref("EvidenceAdded")),
                          **refusals,
                          "413": {"description": "Permintaan melebihi batas ukuran server",
                                  "content": {JSON: {"schema": ref("Error")}}}}}},
        "/evidence/{evidence_id}": {"get": {
            "operationId": "downloadEvidence",
            "summary": "Unduh satu berkas bukti",
            "description": "Bagi yang boleh melihat realisasinya (kartunya, pengisinya, atau atasannya).",
            "parameters": [path_id("evidence_id", "Id berkas bukti"), LANGUAGE],
            "responses": {"200": {"description": "Berkas dengan jenis isi aslinya (Content-Disposition: attachment)",
                                  "content": {t: {"schema": {"type": "string", "format": "binary"}}
                                              for t in SCHEMAS["Evidence"]["properties"]["content_type"]["enum"]}},
                          "401": err("Unauthorized"), "403": err("Forbidden"), "404": err("NotFound")}}},
    }


def paths() -> dict:
    return {
        "/me": {"get": {
            "operationId": "me",
            "summary": "Pengguna pemilik token",
            "responses": {"200": ok("Pengguna, perannya dan jabatannya", ref("Me")),
                          "401": err("Unauthorized")}}},
        "/openapi.json": {"get": {
            "operationId": "openapi",
            "summary": "Dokumen OpenAPI ini",
            "security": [],
            "responses": {"200": {"description": "Dokumen OpenAPI 3",
                                  "content": {JSON: {"schema": {"type": "object"}}}}}}},
        "/scorecards": {"get": {
            "operationId": "listScorecards",
            "summary": "Kartu kinerja suatu tahun yang boleh dilihat pemanggil",
            "description": "Hanya kartu yang boleh dilihat pemanggil (bsc.view): kartu provinsi untuk setiap "
                           "pengguna yang berhak melihat kartu mana pun; kartu OPD, unit dan pegawai menurut "
                           "peran dan jabatan pemanggil; staf melihat kartunya sendiri.",
            "parameters": [
                param("Year"),
                {"name": "owner_kind", "in": "query", "required": False,
                 "description": "Jenis pemilik; bawaan: semua jenis",
                 "schema": {"type": "string", "enum": [k.value for k in OwnerKind]}},
                {"name": "owner", "in": "query", "required": False,
                 "description": "Kode SIPD OPD, kode unit, atau NIP pegawai pemilik",
                 "schema": {"type": "string"}},
                LANGUAGE],
            "responses": {"200": ok("Daftar kartu, urut provinsi, OPD, unit, pegawai",
                                    {"type": "array", "items": ref("ScorecardSummary")}),
                          "400": err("BadRequest"), "401": err("Unauthorized")}}},
        "/scorecards/{scorecard_id}": {"get": {
            "operationId": "getScorecard",
            "summary": "Satu kartu kinerja dengan perspektif, sasaran, indikator dan angkanya",
            "description": "Angka domain.md §3 pada bulan `month`, dalam bentuk `computed` ekspor interchange: "
                           "hanya nilai yang disetujui, kecuali provisional=1.",
            "parameters": [path_id("scorecard_id", "Id kartu kinerja"), param("Month"), param("Provisional"),
                           LANGUAGE],
            "responses": {"200": ok("Kartu kinerja dengan angkanya", ref("Scorecard")),
                          "400": err("BadRequest"), "401": err("Unauthorized"), "403": err("Forbidden"),
                          "404": err("NotFound")}}},
        "/indicators/{indicator_id}/cascade": {"get": {
            "operationId": "getIndicatorCascade",
            "summary": "Pohon kaskade di bawah satu indikator, dengan angka setiap simpul",
            "description": "Setiap simpul: indikator, pemiliknya, angkanya dan anak-anaknya. Simpul yang tidak "
                           "boleh dilihat pemanggil tidak ditampilkan, kecuali menjadi mata rantai menuju "
                           "simpul yang boleh dilihat (restricted: true, tanpa angka).",
            "parameters": [path_id("indicator_id", "Id indikator"),
                           {**PARAMETERS["Year"], "description":
                            "Tahun indikator; bila diisi dan berbeda dari tahun indikator: 404"},
                           param("Month"), param("Provisional"), LANGUAGE],
            "responses": {"200": ok("Pohon kaskade", ref("Cascade")),
                          "400": err("BadRequest"), "401": err("Unauthorized"), "403": err("Forbidden"),
                          "404": err("NotFound")}}},
        "/exchange": {
            "get": {
                "operationId": "exportDocument",
                "summary": "Ekspor dokumen pertukaran satu tahun (interchange.md)",
                "description": "Hanya administrator dan Biro Organisasi. Tanpa computed: dokumen yang bila "
                               "diimpor kembali menghasilkan keadaan yang sama. Dengan computed=1: setiap kartu, "
                               "perspektif, sasaran dan indikator membawa angkanya pada bulan month (bawaan 12), "
                               "hanya nilai yang disetujui.",
                "parameters": [
                    param("Year"),
                    {"name": "month", "in": "query", "required": False,
                     "description": "Bulan 1–12 untuk angka computed dan batas realisasi; bawaan: sepanjang tahun",
                     "schema": {"type": "integer", "minimum": 1, "maximum": 12}},
                    {"name": "computed", "in": "query", "required": False,
                     "description": "1: sertakan angka domain.md §3", "schema": {"type": "integer", "enum": [0, 1]}},
                    {"name": "organisation", "in": "query", "required": False,
                     "description": "1: sertakan blok organisation (OPD, unit, pegawai)",
                     "schema": {"type": "integer", "enum": [0, 1]}},
                    {"name": "format", "in": "query", "required": False,
                     "description": "json (bawaan): {\"data\": dokumen}; xlsx: buku kerja Excel",
                     "schema": {"type": "string", "enum": ["json", "xlsx"], "default": "json"}},
                    LANGUAGE],
                "responses": {
                    "200": {"description": "Dokumen (JSON dalam data) atau buku kerja Excel",
                            "content": {JSON: {"schema": data_of(ref("ExchangeDocument"))},
                                        XLSX: {"schema": {"type": "string", "format": "binary"}}}},
                    "400": err("BadRequest"), "401": err("Unauthorized"), "403": err("Forbidden")}},
            "post": {
                "operationId": "importDocument",
                "summary": "Impor dokumen pertukaran (interchange.md)",
                "description": "Hanya administrator dan Biro Organisasi. Seluruh dokumen diperiksa lebih dulu: "
                               "bila ada kesalahan tidak ada yang ditulis dan jawaban 422 memuat setiap kesalahan "
                               "dengan path-nya. Mengimpor dokumen yang sama dua kali tidak mengubah apa pun.",
                "parameters": [LANGUAGE],
                "requestBody": {"required": True, "content": {
                    JSON: {"schema": ref("ExchangeDocument")},
                    "multipart/form-data": {"schema": obj({"file": string("Buku kerja .xlsx", format="binary")})},
                }},
                "responses": {"200": ok("Jumlah yang dibuat, diubah dan tetap", ref("ImportResult")),
                              "400": err("BadRequest"), "401": err("Unauthorized"), "403": err("Forbidden"),
                              "422": err("Invalid")}},
        },
        **realisation_paths(),
    }


def document(server_url: str = "/api/v1") -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "ekinerja API", "version": "1",
                 "description": "JSON API e-Kinerja Pemerintah Provinsi Nusa Tenggara Barat. Setiap jawaban: "
                                "{\"data\": …} bila berhasil, {\"error\": {\"code\", \"message\", \"details\"}} "
                                "bila tidak. Angka desimal dikirim sebagai string (\"13.2\"); bulan 1–12."},
        "servers": [{"url": server_url}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "flask --app wsgi users token NIP_ATAU_USERNAME"}},
            "schemas": SCHEMAS,
            "parameters": PARAMETERS,
            "responses": RESPONSES,
        },
        "security": [{"bearer": []}],
        "paths": paths(),
    }
