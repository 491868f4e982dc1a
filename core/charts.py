"""Charts with a data-table twin: Chart.js draws the picture, the table is what screen readers and
people without JavaScript read. Build the dict here, render it with `components/chart.html`."""

from collections.abc import Sequence
from typing import Literal


def make_chart(
    *,
    dom_id: str,
    title: str,
    kind: Literal["bar", "line", "pie", "doughnut"],
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | int | None]]],
    label_header: str = "",
    horizontal: bool = False,
) -> dict:
    """One chart: `series` is [(name, values aligned with labels), ...]."""
    labels = [str(label) for label in labels]
    return {
        "dom_id": dom_id,
        "data_id": f"{dom_id}-data",
        "title": title,
        "label_header": label_header,
        "series_names": [name for name, _values in series],
        "rows": [
            (label, [values[index] for _name, values in series])
            for index, label in enumerate(labels)
        ],
        "spec": {
            "type": kind,
            "horizontal": horizontal,
            "labels": labels,
            "datasets": [{"label": str(name), "data": list(values)} for name, values in series],
        },
    }
