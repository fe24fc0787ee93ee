"""The briefing's charts as PNG images, drawn by matplotlib in Noto Sans CJK.

Without a CJK font matplotlib would draw every Chinese character as a box; we refuse to do
that and say which package is missing instead.
"""

from __future__ import annotations

import io
from functools import lru_cache

from django.utils.translation import gettext as _

FONT_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC")
BLUE = "#206bc4"


class ChartFontMissing(RuntimeError):
    pass


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """The file of Noto Sans CJK; ChartFontMissing (with what to install) when absent."""
    from matplotlib import font_manager

    for family in FONT_FAMILIES:
        for entry in font_manager.fontManager.ttflist:
            if entry.name == family:
                return entry.fname
    raise ChartFontMissing(
        _("生成简报图表需要思源黑体（Noto Sans CJK）字体，未找到。请安装 Debian 软件包 fonts-noto-cjk 后重试。")
    )


@lru_cache(maxsize=1)
def _font_name() -> str:
    """Register the CJK font with matplotlib once (parsing the collection is slow) and name it."""
    from matplotlib import font_manager

    path = cjk_font()
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def _figure(height: float):
    from matplotlib.figure import Figure  # the object API: no pyplot state, safe in threads

    return Figure(figsize=(6.4, height), dpi=120), {"family": _font_name()}


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def bar_chart(title: str, labels: list[str], values: list, unit: str) -> bytes:
    """A horizontal bar chart, first place at the top, each bar labelled with its value."""
    fig, font = _figure(max(2.0, 0.32 * len(labels) + 1.0))
    ax = fig.add_subplot()
    ys = list(range(len(labels)))[::-1]
    numbers = [float(v) if v is not None else 0.0 for v in values]
    ax.barh(ys, numbers, color=BLUE)
    ax.set_yticks(ys, labels, fontdict=font)
    ax.set_title(title, fontdict={**font, "size": 12})
    for y, value in zip(ys, values, strict=True):
        text = "—" if value is None else (f"{value}%" if unit == "%" else f"{value}")
        ax.text(float(value or 0), y, f" {text}", va="center", fontdict={**font, "size": 8})
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(x=0.15)
    return _png(fig)


def line_chart(title: str, months: list[str], values: list, unit: str) -> bytes:
    """A line over the months; a month without a value is a gap, not a zero."""
    fig, font = _figure(2.6)
    ax = fig.add_subplot()
    numbers = [float(v) if v is not None else float("nan") for v in values]
    ax.plot(months, numbers, marker="o", color=BLUE, linewidth=1.6, markersize=3)
    ax.set_title(title + (" (%)" if unit == "%" else (f"（{unit}）" if unit else "")), fontdict={**font, "size": 12})
    ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)
