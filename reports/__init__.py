"""Printable reports: registers, statistics with charts, processing slips, archive packages.

Reports read through engine queries and write nothing but files (bytes): PDF through weasyprint
(integrations/pdf, one shared render lock), CSV, XLSX (openpyxl), ZIP.
"""
