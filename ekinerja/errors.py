"""Domain errors raised by services; the app maps them to HTTP answers and messages."""
from __future__ import annotations


class DomainError(Exception):
    status_code = 400
    code = "bad_request"
    default_message = "Permintaan tidak dapat diproses."

    def __init__(self, message: str | None = None, details: list | None = None):
        self.message = message or self.default_message
        self.details = details or []
        super().__init__(self.message)


class NotFound(DomainError):
    status_code = 404
    code = "not_found"
    default_message = "Data tidak ditemukan."


class PermissionDenied(DomainError):
    status_code = 403
    code = "forbidden"
    default_message = "Anda tidak berhak mengakses atau mengubah data ini."


class ValidationFailed(DomainError):
    """Invalid values; details is a list of {"field"/"line": ..., "message": ...}."""

    status_code = 422
    code = "invalid"
    default_message = "Data tidak valid."


class InvalidTransition(DomainError):
    status_code = 422
    code = "invalid_transition"
    default_message = "Perubahan status ini tidak diperbolehkan."


class Conflict(DomainError):
    status_code = 409
    code = "conflict"
    default_message = "Data telah diubah oleh pengguna lain. Muat ulang lalu coba lagi."


class Locked(DomainError):
    status_code = 423
    code = "locked"
    default_message = "Periode ini sudah ditutup atau dikunci."


class Throttled(DomainError):
    status_code = 429
    code = "throttled"
    default_message = "Terlalu banyak percobaan. Coba lagi nanti."
