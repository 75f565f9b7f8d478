"""The monthly statistics as a PDF (A4 landscape, tables and charts)."""
from __future__ import annotations

from engine.records.statistics import Statistics
from integrations.pdf.compose import render_html_to_pdf
from reports.charts import trend_chart, units_chart
from reports.templating import render


def file_name(stats: Statistics) -> str:
    return f"thong-ke-van-ban-{stats.month:%Y-%m}.pdf"


def to_pdf(stats: Statistics) -> bytes:
    html = render("statistics.html", stats=stats, units_svg=units_chart(stats),
                  trend_svg=trend_chart(stats))
    return render_html_to_pdf(html)
