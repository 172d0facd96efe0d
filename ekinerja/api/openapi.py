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
