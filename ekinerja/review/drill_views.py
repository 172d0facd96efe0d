"""(placeholder)"""
from ekinerja.review.views import bp  # noqa: F401
