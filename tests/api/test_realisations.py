"""(placeholder: filled by its owner)"""
API_ACCESS_TESTS: dict = {}
