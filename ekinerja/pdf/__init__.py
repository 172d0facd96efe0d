"""Shared reportlab parts for every printed document: fonts, the province's letterhead, tables,
signature blocks, Indonesian dates and numbers, and the verification code with its QR code and
page numbers on every page."""
