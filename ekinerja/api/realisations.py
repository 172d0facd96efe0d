"""/api/v1 realisation endpoints (api.md "Realisations")."""
from ekinerja.api.views import bp  # noqa: F401
