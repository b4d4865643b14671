"""Reports: Excel workbook (more formats arrive with the reporting issue)."""

from .excel import write_excel

__all__ = ["write_excel"]
