"""What every /api/v1 view shares: the language of messages, query parameters, and errors.

Messages are Indonesian; a client that sends `Accept-Language: en` gets English ones (api.md).
Errors raised here carry both texts; errors raised by services carry Indonesian only, and the
API's error handler gives those an English text by their code.
"""
from __future__ import annotations

from datetime import datetime

from flask import request

from ekinerja.errors import DomainError, NotFound, PermissionDenied
from ekinerja.web import WITA

MIN_YEAR, MAX_YEAR = 2000, 2100

ENGLISH_BY_CODE = {
    "bad_request": "The request cannot be processed.",
    "unauthorized": "The bearer token is missing or invalid.",
    "not_found": "Not found.",
    "forbidden": "You may not see or change this.",
    "invalid": "Invalid values.",
    "invalid_transition": "This change of status is not allowed.",
    "conflict": "Someone else changed this data. Reload it and try again.",
    "locked": "This period is closed or locked.",
    "throttled": "Too many attempts. Try again later.",
}


def current_year() -> int:
    """The year in NTB now (WITA): the default of every `year` parameter."""
    return datetime.now(WITA).year


def english() -> bool:
    """Does the client prefer English (Accept-Language: en) to Indonesian?"""
    return request.accept_languages.best_match(["id", "en"], default="id") == "en"


def t(indonesian: str, english_text: str) -> str:
    return english_text if english() else indonesian


class BadRequest(DomainError):
    """A malformed request: a query parameter that is not what the endpoint takes."""

    status_code = 400
    code = "bad_request"
    default_message = "Permintaan tidak valid."


def translated(exc: DomainError) -> tuple[str, list]:
    """The message and details of a domain error in the client's language."""
    if not english():
        return exc.message, exc.details
    message = getattr(exc, "message_en", None) or ENGLISH_BY_CODE.get(exc.code, exc.message)
    return message, exc.details


def bad_parameter(field: str, indonesian: str, english_text: str) -> BadRequest:
    exc = BadRequest(t(f"Parameter {field} tidak valid.", f"Invalid parameter {field}."),
                     [{"field": field, "message": t(indonesian, english_text)}])
    exc.message_en = exc.message
    return exc


def not_found(indonesian: str, english_text: str) -> NotFound:
    exc = NotFound(t(indonesian, english_text))
    exc.message_en = exc.message
    return exc


def denied(indonesian: str, english_text: str) -> PermissionDenied:
    exc = PermissionDenied(t(indonesian, english_text))
    exc.message_en = exc.message
    return exc


def _int(name: str, low: int, high: int, indonesian: str, english_text: str) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        return None
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise bad_parameter(name, indonesian, english_text)
    return int(raw)


def year_arg(default: int | None = None, name: str = "year") -> int:
    value = _int(name, MIN_YEAR, MAX_YEAR,
                 f"{name} harus tahun {MIN_YEAR}–{MAX_YEAR}, misalnya 2026.",
                 f"{name} must be a year from {MIN_YEAR} to {MAX_YEAR}, e.g. 2026.")
    if value is None:
        if default is None:
            raise bad_parameter(name, f"{name} wajib diisi (tahun, misalnya 2026).",
                                f"{name} is required (a year, e.g. 2026).")
        return default
    return value


def month_arg(default: int | None = None, name: str = "month") -> int | None:
    value = _int(name, 1, 12, f"{name} harus bulan 1–12.", f"{name} must be a month from 1 to 12.")
    return default if value is None else value


def flag_arg(name: str) -> bool:
    raw = (request.args.get(name) or "").strip().lower()
    if raw in ("", "0", "false"):
        return False
    if raw in ("1", "true"):
        return True
    raise bad_parameter(name, f"{name} harus 1 atau 0.", f"{name} must be 1 or 0.")


def choice_arg(name: str, choices: list[str], default: str | None = None) -> str | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return default
    if raw not in choices:
        allowed = ", ".join(choices)
        raise bad_parameter(name, f"{name} harus salah satu dari: {allowed}.", f"{name} must be one of: {allowed}.")
    return raw
