"""Charts of the statistics as inline SVG (pygal: small, well kept, SVG only, no JavaScript needed).

The same SVG goes into the web page and the PDF (weasyprint draws SVG). pygal adds a tooltip
configuration script; it is removed, because the pages allow no inline script and print needs none.
"""
from __future__ import annotations

import pygal
from lxml import etree
from pygal.style import Style

from engine.records.statistics import Statistics

STYLE = Style(font_family='"Liberation Sans", "DejaVu Sans", sans-serif', background="white",
              plot_background="white", colors=("#0b4f8a", "#2e7d32", "#c77700", "#b3261e", "#7a5195"),
              title_font_size=15, label_font_size=11, major_label_font_size=11, legend_font_size=12)
OPTIONS = {"style": STYLE, "js": [], "disable_xml_declaration": True, "legend_at_bottom": True,
           "legend_at_bottom_columns": 4, "print_values": False, "show_y_guides": True, "width": 900,
           "height": 400, "margin": 12, "margin_bottom": 24}


def _svg(chart) -> str:
    tree = chart.render_tree()
    for script in tree.iter("{*}script", "script"):
        script.getparent().remove(script)
    return etree.tostring(tree, encoding="unicode")


def _counts_axis(chart, values) -> None:
    """Whole numbers on the value axis (counts of documents), about eight ticks."""
    top = max([0, *values]) or 1
    step = max(1, -(-top // 8))
    chart.y_labels = list(range(0, top + step, step))
    chart.range = (0, chart.y_labels[-1])


def _short(name: str) -> str:
    return name.replace("Phòng ", "P. ").replace("Trung tâm ", "TT ")[:34]


def units_chart(stats: Statistics) -> str:
    """Grouped bars per unit: received, completed on time, completed late, open and overdue."""
    chart = pygal.Bar(x_label_rotation=25, truncate_label=-1, **OPTIONS)
    chart.title = f"Văn bản theo đơn vị, tháng {stats.month.month:02d}/{stats.month.year}"
    units = [u for u in stats.units if u.received or u.completed or u.overdue or u.in_progress] or stats.units[:1]
    chart.x_labels = [_short(u.name) for u in units]
    chart.add("Đã nhận", [u.received for u in units])
    chart.add("Hoàn thành đúng hạn", [u.on_time for u in units])
    chart.add("Hoàn thành trễ hạn", [u.late for u in units])
    chart.add("Quá hạn chưa xong", [u.overdue for u in units])
    _counts_axis(chart, [v for u in units for v in (u.received, u.on_time, u.late, u.overdue)])
    return _svg(chart)


def trend_chart(stats: Statistics) -> str:
    """Received and completed documents over the last 12 months."""
    chart = pygal.Line(dots_size=3, **OPTIONS)
    chart.title = "Xu hướng 12 tháng"
    chart.x_labels = [f"{m.month:02d}/{m.year % 100:02d}" for m, _r, _c in stats.trend]
    chart.add("Đã nhận", [r for _m, r, _c in stats.trend])
    chart.add("Hoàn thành", [c for _m, _r, c in stats.trend])
    _counts_axis(chart, [v for _m, r, c in stats.trend for v in (r, c)])
    return _svg(chart)
