"""Similar cases: Chinese word segmentation (jieba) with a dictionary of government terms.

At receipt each case stores its keywords; when a dispatcher opens a received case, open and
recent cases from the same requester, or in the same category or place with overlapping
keywords, are ranked so repeats are merged instead of handled twice.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from pathlib import Path

from django.db.models import Q
from django.utils import timezone

USER_DICT = Path(__file__).with_name("data") / "userdict.txt"
STOPWORDS = set(
    "的 了 和 与 及 是 在 有 我 我们 你 您 他 她 它 这 那 这个 那个 一个 没有 不 也 都 就 还 又 很 太 把 被 让 给 对 向 从 "
    "到 为 为了 请 希望 要求 反映 问题 情况 现在 目前 已经 一直 非常 什么 怎么 如何 能否 是否 可以 能 会 要 说 看 去 来 "
    "上 下 里 后 前 中 时 时候 年 月 日 号 天 次 个 些 等 啊 吧 呢 吗 哦 嗯".split()
)
TOKEN = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")


@functools.cache
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    if USER_DICT.exists():
        jieba.load_userdict(str(USER_DICT))
    return jieba


def keywords_for(text: str, limit: int = 40) -> str:
    """Space-separated distinct keywords of `text`, in order of appearance."""
    seen: list[str] = []
    for word in _jieba().cut(text or ""):
        word = word.strip().lower()
        if len(word) < 2 or word in STOPWORDS or not TOKEN.fullmatch(word) or word.isdigit():
            continue
        if word not in seen:
            seen.append(word)
        if len(seen) >= limit:
            break
    return " ".join(seen)


def similarity(a: str, b: str) -> float:
    left, right = set(a.split()), set(b.split())
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def similar_cases(case, queryset, *, limit: int = 5, days: int = 90, minimum: float = 0.15):
    """Cases in `queryset` (already scoped to the viewer) that look like `case`, best first:
    a list of (case, score, reasons)."""
    from .models import CaseState

    since = (case.received_at or timezone.now()) - dt.timedelta(days=days)
    near = Q(received_at__gte=since) | ~Q(state=CaseState.CLOSED)
    related = Q(category_id=case.category_id) if case.category_id else Q(case_type=case.case_type)
    if case.org_unit_id:
        related |= Q(org_unit_id=case.org_unit_id)
    same_requester = Q(requester_key=case.requester_key) if case.requester_key else Q(pk__in=[])
    words = case.keywords.split()[:3]
    text = Q()
    for word in words:
        text |= Q(keywords__contains=word)
    candidates = (
        queryset.exclude(pk=case.pk)
        .filter(same_requester | (near & (related | text if words else related)))
        .filter(duplicate_of__isnull=True)
        .select_related(None)
        .only("id", "number", "title", "state", "received_at", "keywords", "requester_key", "category_id", "org_unit_id")
        .order_by("-received_at")[:300]
    )
    ranked = []
    for other in candidates:
        score = similarity(case.keywords, other.keywords)
        reasons = []
        if case.requester_key and other.requester_key == case.requester_key:
            score += 0.5
            reasons.append("同一诉求人")
        if case.category_id and other.category_id == case.category_id:
            score += 0.1
            reasons.append("同一分类")
        if case.org_unit_id and other.org_unit_id == case.org_unit_id:
            score += 0.05
            reasons.append("同一地点")
        if score >= minimum:
            ranked.append((other, round(min(score, 1.0), 2), reasons))
    ranked.sort(key=lambda item: (-item[1], -item[0].received_at.timestamp()))
    return ranked[:limit]
