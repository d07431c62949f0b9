"""Illustrative residents' suggestions: some answered (and so published), some waiting."""

import datetime

from django.utils import timezone

from communities.models import Community, User

from . import services
from .models import Suggestion

# (community code, category, text, phone, answer step or "", answer)
SUGGESTIONS = [
    (
        "hushan-07",
        "elderly_care",
        "希望社区增设老年助餐点，方便独居老人就近用餐。",
        "13900000001",
        "accept",
        "已纳入本社区补短板建设方案，助餐点计划明年上半年开放。",
    ),
    (
        "hushan-07",
        "sports",
        "小区旁的篮球场晚上没有照明，建议加装路灯。",
        "",
        "answer",
        "已联系物业，照明设施将于本月底前安装完成。",
    ),
    (
        "hushan-08",
        "childcare",
        "希望增加普惠托育名额，现在排队时间太长。",
        "13900000002",
        "decline",
        "本社区托育点位已达标，附近古塘社区托育中心仍有名额，可就近报名。",
    ),
    ("hushan-08", "culture", "建议文化家园周末开放阅览室。", "13900000003", "", ""),
    ("gutang-01", "health", "卫生服务站能否延长晚间开放时间？", "", "", ""),
]


def seed() -> None:
    """Create the demo suggestions once; staff of the community's subdistrict answer some."""
    if Suggestion.objects.exists():
        return
    staff = {
        user.subdistrict_id: user
        for user in User.objects.filter(groups__name="subdistrict_staff", subdistrict__isnull=False)
    }
    communities = {c.code: c for c in Community.objects.select_related("subdistrict")}
    for days_ago, (code, category, text, phone, step, answer) in enumerate(SUGGESTIONS, 3):
        community = communities.get(code)
        if community is None:
            continue
        suggestion = services.suggestion_submit(
            community=community,
            category=category,
            text=text,
            phone=phone,
            address=None,
            limited=False,
        )
        received = timezone.now() - datetime.timedelta(days=days_ago * 4)
        Suggestion.objects.filter(pk=suggestion.pk).update(received_at=received)
        actor = staff.get(community.subdistrict_id)
        if step and actor is not None:
            answer_service = getattr(services, f"suggestion_{step}")
            answer_service(actor=actor, suggestion=suggestion, answer=answer)
