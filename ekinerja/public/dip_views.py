"""(placeholder)"""
from ekinerja.public.ppid_views import bp  # noqa: F401
