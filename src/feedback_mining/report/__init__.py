"""Reports: the PowerPoint deck, the Excel workbook, the HTML page and plots.

All of them draw their figures from :mod:`feedback_mining.report.content`, so they agree.
"""

from .excel import write_excel
from .html import write_html
from .pptx import write_pptx

__all__ = ["write_excel", "write_html", "write_pptx"]
