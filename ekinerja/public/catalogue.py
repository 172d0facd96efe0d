"""What the public side offers, for machines: the open-data catalogue (data.json, in the shape of
the Project Open Data / DCAT catalogue that data portals harvest) and the sitemap of the public
pages. Services only; addresses are absolute, built from BASE_URL (never from the request's Host
header, which a client chooses).

A dataset is listed for a year once there is something public in it: the province's scorecard of
that year (E-SAKIP figures) or a published agreement (documents). Last-modified times come from the
same sources as the pages' Last-Modified (sakip.fingerprint), so a harvester sees a change when a
value is approved or a document published.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import func, select

from ekinerja.bsc.models import OwnerKind, Scorecard
from ekinerja.contracts.models import Agreement, AgreementVersion, VersionStatus
from ekinerja.extensions import db
from ekinerja.org.models import Opd
from ekinerja.org.services import PROVINCE_NAME
from ekinerja.public import sakip

PUBLISHER = f"{PROVINCE_NAME} (Biro Organisasi Setda)"
CONTACT = "PPID Pemerintah Provinsi Nusa Tenggara Barat"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
LICENSE_NAME = "Creative Commons Atribusi 4.0 Internasional (CC BY 4.0)"
API = "/api/public/v1"


@dataclass
class Distribution:
    title: str
    media_type: str
    path: str


@dataclass
class Dataset:
    identifier: str
    title: str
    description: str
    keywords: list[str]
    modified: datetime | date | None
    year: int
    distributions: list[Distribution] = field(default_factory=list)
    landing_page: str | None = None


def base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def public_years() -> list[int]:
    """Years with something public: a province scorecard or a published agreement, newest first."""
    cards = select(Scorecard.year).where(Scorecard.owner_kind == OwnerKind.PROVINCE)
    docs = (select(Agreement.year).join(AgreementVersion, AgreementVersion.agreement_id == Agreement.id)
            .where(AgreementVersion.status == VersionStatus.PUBLISHED))
    years = {y for (y,) in db.session.execute(cards.union(docs))}
    return sorted(years, reverse=True)


def _documents_modified() -> dict[int, datetime]:
    """The newest change of a published agreement version, per year (one query)."""
    stmt = (select(Agreement.year, func.max(AgreementVersion.updated_at))
            .join(AgreementVersion, AgreementVersion.agreement_id == Agreement.id)
            .where(AgreementVersion.status == VersionStatus.PUBLISHED).group_by(Agreement.year))
    return {year: moment for year, moment in db.session.execute(stmt)}


def datasets() -> list[Dataset]:
    """Three datasets per public year: the province's and OPDs' scores, every OPD's indicators,
    and the published A3/PK documents; each in JSON and CSV."""
    out = []
    docs_modified = _documents_modified()
    for year in public_years():
        _, modified = sakip.fingerprint(year)
        out.append(Dataset(
            f"ekinerja-ntb-sakip-{year}", f"Capaian kinerja Provinsi NTB {year}",
            f"Nilai Kinerja Organisasi (NKO) dan Indikator Kinerja Utama Provinsi Nusa Tenggara Barat "
            f"tahun {year} per triwulan (target, realisasi, capaian, warna), serta NKO setiap perangkat "
            f"daerah. Hanya realisasi yang telah disetujui.",
            ["SAKIP", "kinerja", "IKU", "NKO", "NTB"], modified, year,
            [Distribution("JSON", "application/json", f"{API}/sakip/{year}"),
             Distribution("CSV", "text/csv", f"{API}/sakip/{year}.csv")], f"/sakip?year={year}"))
        out.append(Dataset(
            f"ekinerja-ntb-sakip-opd-{year}", f"Indikator kinerja perangkat daerah Provinsi NTB {year}",
            f"Indikator setiap perangkat daerah tahun {year} per triwulan dengan dokumen perjanjiannya. "
            f"Satu alamat per perangkat daerah: {API}/sakip/{year}/opd/{{kode}} (JSON) atau .csv; "
            f"daftar kode ada pada {API}/sakip/{year}.",
            ["SAKIP", "kinerja", "perangkat daerah", "OPD", "NTB"], modified, year,
            [Distribution("Contoh JSON (kode per perangkat daerah)", "application/json", f"{API}/sakip/{year}")],
            f"/sakip?year={year}"))
        out.append(Dataset(
            f"ekinerja-ntb-dokumen-{year}", f"Perjanjian A3 dan Perjanjian Kinerja yang dipublikasikan {year}",
            f"Perjanjian A3 (Attitude, Attention, Action) dan Perjanjian Kinerja tahun {year} yang telah "
            f"ditandatangani dan dipublikasikan, dengan kode verifikasi dan berkas PDF-nya.",
            ["perjanjian kinerja", "A3", "PK", "informasi berkala", "NTB"], docs_modified.get(year) or modified, year,
            [Distribution("JSON", "application/json", f"{API}/documents?year={year}"),
             Distribution("CSV", "text/csv", f"{API}/documents.csv?year={year}")], f"/sakip?year={year}#h-docs"))
    return out


def _iso(moment: datetime | date | None) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return moment.replace(microsecond=0).isoformat() + ("Z" if moment.tzinfo is None else "")
    return moment.isoformat()


def data_json() -> dict:
    """The catalogue (Project Open Data metadata schema 1.1: title, description, publisher,
    licence and last modified per dataset)."""
    root = base_url()
    return {
        "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
        "@type": "dcat:Catalog",
        "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
        "describedBy": "https://project-open-data.cio.gov/v1.1/schema/catalog.json",
        "title": "Data terbuka e-Kinerja Pemerintah Provinsi Nusa Tenggara Barat",
        "dataset": [{
            "@type": "dcat:Dataset",
            "identifier": d.identifier,
            "title": d.title,
            "description": d.description,
            "keyword": d.keywords,
            "modified": _iso(d.modified),
            "temporal": f"{d.year}-01-01/{d.year}-12-31",
            "publisher": {"@type": "org:Organization", "name": PUBLISHER},
            "contactPoint": {"@type": "vcard:Contact", "fn": CONTACT, "hasURL": f"{root}/ppid/"},
            "accessLevel": "public",
            "license": LICENSE,
            "rights": LICENSE_NAME,
            "language": ["id"],
            "landingPage": f"{root}{d.landing_page}" if d.landing_page else None,
            "distribution": [{"@type": "dcat:Distribution", "title": x.title, "mediaType": x.media_type,
                              "downloadURL": f"{root}{x.path}"} for x in d.distributions],
        } for d in datasets()],
    }


@dataclass
class SitemapEntry:
    path: str
    modified: datetime | date | None


def sitemap() -> list[SitemapEntry]:
    """The public pages: E-SAKIP for every public year and every OPD with a card that year, the
    PPID pages, document verification. A fixed number of queries."""
    out = [SitemapEntry("/sakip", None)]
    opds = {o.id: o.code for o in db.session.scalars(select(Opd))}
    cards: dict[int, list[int]] = {}
    for year, opd_id in db.session.execute(select(Scorecard.year, Scorecard.opd_id)
                                           .where(Scorecard.owner_kind == OwnerKind.OPD)):
        cards.setdefault(year, []).append(opd_id)
    for year in public_years():
        _, modified = sakip.fingerprint(year)
        out.append(SitemapEntry(f"/sakip?year={year}", modified))
        out += [SitemapEntry(f"/sakip/opd/{opds[opd_id]}?year={year}", modified)
                for opd_id in sorted(cards.get(year, []), key=lambda i: opds[i])]
    extra = ["/ppid/", "/ppid/permohonan", "/ppid/lacak", "/ppid/keberatan", "/verifikasi/"]
    rules = {r.rule for r in current_app.url_map.iter_rules()}
    out += [SitemapEntry(p, None) for p in extra if p in rules]
    return out
