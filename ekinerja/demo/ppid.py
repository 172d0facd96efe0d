"""(placeholder: filled by the work on issue 6)"""


def load() -> None:
    """Top up this part of the demo (idempotent: a second load changes nothing)."""
