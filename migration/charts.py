"""Geometry of the server-rendered SVG charts (pure functions: no database, no JavaScript, no CDN)."""


def activation_chart(series, *, width=720, height=220) -> dict:
    """Geometry for a server-rendered SVG bar chart (no JavaScript, no CDN)."""
    left, bottom, top = 36, 28, 12
    plot_w, plot_h = width - left - 8, height - bottom - top
    peak = max([n for _d, n in series] + [1])
    step = plot_w / max(len(series), 1)
    bars = []
    for i, (day, n) in enumerate(series):
        h = round(plot_h * n / peak, 1)
        bars.append(
            {
                "x": round(left + i * step + 1, 1),
                "y": round(top + plot_h - h, 1),
                "w": round(max(step - 2, 1), 1),
                "h": h,
                "n": n,
                "label": day.strftime("%d.%m"),
                "show_label": i % 5 == 0 or i == len(series) - 1,
                "label_x": round(left + i * step + step / 2, 1),
            }
        )
    ticks = sorted({0, peak // 2, peak}) if peak > 1 else [0, 1]
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "peak": peak,
        "baseline": top + plot_h,
        "left": left,
        "right": width - 8,
        "label_y": height - 8,
        "ticks": [{"value": t, "y": round(top + plot_h - plot_h * t / peak, 1)} for t in ticks],
        "total": sum(n for _d, n in series),
    }
