"""Printable registers and statistics, rendered to PDF with weasyprint (reads engine queries only)."""
