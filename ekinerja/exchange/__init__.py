"""The interchange format ekinerja/v1 (shared/spec/interchange.md): a year's scorecards and
realisations in and out as one JSON document or an Excel workbook. No Flask here: the CLI and the
API call these functions and commit."""
from ekinerja.exchange.exporter import export_document
from ekinerja.exchange.importer import ImportResult, import_document
from ekinerja.exchange.schema import FORMAT
from ekinerja.exchange.workbook import WorkbookDocument, document_to_workbook, workbook_to_document

__all__ = ["FORMAT", "ImportResult", "WorkbookDocument", "document_to_workbook", "export_document",
           "import_document", "workbook_to_document"]
