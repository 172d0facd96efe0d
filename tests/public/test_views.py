"""(placeholder: filled by its owner)"""
ROUTES_COVERED: dict = {}
