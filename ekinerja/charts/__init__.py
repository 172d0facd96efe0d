"""Charts drawn on the server: one description of a chart, drawn as SVG for the pages (presentation
attributes only, so the CSP needs no inline style) and as a reportlab Drawing for the PDFs. Every
chart carries a title and a description, and its values go in a table beside it in the page."""
