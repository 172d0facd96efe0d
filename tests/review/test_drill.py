"""(placeholder: filled by the work on issue 6)"""
ROUTES_COVERED: dict = {}
