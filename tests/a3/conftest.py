from tests.contracts.conftest import iku, people, realise, scan, today  # noqa: F401
