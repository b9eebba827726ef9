"""Reading the self-assessment and appraisal pages' POST: one score and one text per
sub-criterion, evidence files per sub-criterion; numbers may use a decimal comma."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from cchc.scores.services import Entry


@dataclass
class Posted:
    entries: list[Entry]
    evidence: dict[int, list]
    problems: list[str]
    raw: dict[int, tuple[str, str]]  # what the user typed, to show again after an error


def read_scores(post, files, leaves) -> Posted:
    entries, problems, raw, evidence = [], [], {}, {}
    for leaf in leaves:
        typed = post.get(f"score-{leaf.pk}", "").strip()
        text = post.get(f"text-{leaf.pk}", "").strip()
        raw[leaf.pk] = (typed, text)
        uploads = files.getlist(f"evidence-{leaf.pk}") if files else []
        if uploads:
            evidence[leaf.pk] = uploads
        if not typed and not text and not uploads:
            continue
        score = None
        if typed:
            try:
                score = Decimal(typed.replace(" ", "").replace(",", "."))
            except InvalidOperation:
                problems.append(_("Tiêu chí %(code)s: «%(typed)s» không phải là số điểm (ví dụ "
                                  "8 hoặc 8,5).") % {"code": leaf.code, "typed": typed})
                continue
            if not score.is_finite() or score.as_tuple().exponent < -2:
                problems.append(_("Tiêu chí %(code)s: điểm ghi tối đa hai chữ số thập phân.")
                                % {"code": leaf.code})
                continue
        entries.append(Entry(leaf, score, text))
    return Posted(entries, evidence, problems, raw)
