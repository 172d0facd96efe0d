"""Fixtures of the review pages: the cascade and people of tests/realisations (today 4 May 2026)."""
from tests.bsc.conftest import summing  # noqa: F401  (shared fixture)
from tests.realisations.conftest import iku, people, realise, today  # noqa: F401  (shared fixtures)
