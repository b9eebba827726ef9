"""One benchmark result line, shared by the scripts under ``bench/`` and ``bench/run.py``.

Each script can write its results as JSON (``--json PATH``); ``bench/run.py`` runs them all,
prints one table and writes it into ``docs/performance.md``. A result is a measured value beside
the baseline measured in the same run, their ratio, the target and whether it is met.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Result:
    group: str  # "pages", "throughput", "import", "export"
    name: str  # what was measured
    value: float
    unit: str  # "ms", "req/s", "s"
    baseline_name: str = ""  # what it is compared with, measured in the same run
    baseline: float | None = None
    target: str = ""  # the target, in words
    met: bool | None = None  # None: no target for this line
    detail: str = ""  # p95, cold time, sizes…

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline

    @property
    def verdict(self) -> str:
        return "" if self.met is None else ("MET" if self.met else "MISSED")


def write_json(results: list[Result], path: str | Path) -> None:
    Path(path).write_text(json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=1),
                          encoding="utf-8")


def read_json(path: str | Path) -> list[Result]:
    return [Result(**row) for row in json.loads(Path(path).read_text(encoding="utf-8"))]


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    digits = 0 if (unit == "req/s" and value >= 100) or unit == "requests" else \
        1 if unit in ("ms", "req/s") else 2
    return f"{value:,.{digits}f} {unit}"


HEADER = ("measured", "value", "baseline (same run)", "baseline value", "ratio", "target",
          "verdict", "detail")


def rows(results: list[Result]) -> list[tuple[str, ...]]:
    return [(r.name, _number(r.value, r.unit), r.baseline_name,
             _number(r.baseline, r.unit) if r.baseline is not None else "–",
             f"{r.ratio:.2f}×" if r.ratio is not None else "–", r.target, r.verdict, r.detail)
            for r in results]


def text_table(results: list[Result]) -> str:
    """Fixed-width, for the terminal."""
    body = rows(results)
    widths = [max(len(HEADER[i]), *(len(row[i]) for row in body)) for i in range(len(HEADER))]
    line = "  ".join(h.ljust(w) for h, w in zip(HEADER, widths, strict=True))
    out = [line, "-" * len(line)]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in body]
    return "\n".join(out)


def markdown_table(results: list[Result]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    out = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows(results)]
    return "\n".join(out)
