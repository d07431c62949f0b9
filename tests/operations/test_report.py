"""The supervision report's figures, its praise and supervise rules, and its workbook."""

import json
import zipfile
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from operations.report import Rules, build_report, section, sections_in
from operations.workbook import report_workbook
from projects.choices import FutureStage, PlanState
from projects.models import GapFillingPlan

from .factories import SatisfactionScoreFactory
from .reportdata import PERIOD, TODAY, build_city, entered


@pytest.fixture
def city(assessor):
    return build_city(assessor)


@pytest.fixture
def report(city):
    return build_report(period=PERIOD, today=TODAY)


def rows(report, key) -> dict:
    return {row[0]: row[1:] for row in section(report, key)["rows"]}


def test_figures_are_as_of_the_end_of_the_month(report):
    assert report["as_of"] == "2025-06-30"


def test_communities_by_route(report):
    # integrated, future, gap, total
    assert rows(report, "routes")["浒山"] == [0, 1, 3, 4]
    assert rows(report, "routes")["古塘"] == [0, 1, 3, 4]
    assert rows(report, "routes")["全市合计"] == [0, 2, 6, 8]


def test_plans_by_state(report):
    columns = section(report, "gap_states")["columns"]
    hushan = dict(zip(columns[1:], rows(report, "gap_states")["浒山"], strict=True))
    gutang = dict(zip(columns[1:], rows(report, "gap_states")["古塘"], strict=True))
    label = {state: str(state.label) for state in PlanState}
    assert hushan[label[PlanState.UNDER_CONSTRUCTION]] == 2
    assert hushan[label[PlanState.COMPLETED]] == 1
    assert hushan["合计"] == 3
    assert gutang[label[PlanState.APPROVED]] == 1
    assert gutang[label[PlanState.IN_JOINT_REVIEW]] == 1
    assert gutang["合计"] == 2


def test_future_projects_by_stage(report):
    columns = section(report, "future_stages")["columns"]
    gutang = dict(zip(columns[1:], rows(report, "future_stages")["古塘"], strict=True))
    assert gutang[str(FutureStage.NAMED.label)] == 1 and gutang["合计"] == 1


def test_starts_against_the_quota(report):
    # year: quota, started, still to start — the city quotas are 10 / 8 / 8
    assert rows(report, "starts") == {"2023": [10, 0, 10], "2024": [8, 2, 6], "2025": [8, 1, 7]}
    local = {(r[0], r[1]): r[2:] for r in section(report, "starts_by_subdistrict")["rows"]}
    assert local == {
        ("浒山", "2024"): [2, 2, 0],
        ("浒山", "2025"): [1, 1, 0],
        ("古塘", "2024"): [3, 0, 3],
    }


def test_overdue_steps(report):
    overdue = section(report, "overdue")["rows"]
    assert len(overdue) == 1  # the plan in joint review for 10 days is within 30
    subdistrict, community, _title, state, since, days, limit = overdue[0]
    assert (subdistrict, community, state, since, days, limit) == (
        "古塘",
        "=SUM(A1)",
        "已批复",
        "2025-04-01",
        90,
        60,
    )


def test_overdue_limits_are_configurable(city):
    report = build_report(period=PERIOD, today=TODAY, rules=Rules(approved_not_started_days=90))
    assert section(report, "overdue")["rows"] == []


def test_funds_due_and_paid(report):
    funds = rows(report, "funds")
    assert funds["浒山"] == ["600000.00", "0.00"]
    # 300,000 paid in May; 100,000 paid on 10 July was still due at the end of June.
    assert funds["古塘"] == ["100000.00", "300000.00"]
    assert funds["全市合计"] == ["700000.00", "300000.00"]


def test_assessment_grades(report):
    # excellent, good, pass, fail, total
    assert rows(report, "assessments")["古塘"] == [0, 0, 0, 1, 1]
    assert rows(report, "assessments")["浒山"] == [0, 0, 0, 0, 0]


def test_satisfaction_uses_each_communitys_latest_score_up_to_the_month(report):
    hushan = rows(report, "satisfaction")["浒山"]
    assert hushan[0] == 2 and hushan[1] == "93.50"
    gutang = rows(report, "satisfaction")["古塘"]
    assert gutang[1:] == ["70.00", "=SUM(A1)", "70.00"]


def test_praise_list_has_a_reason_per_entry(report):
    praise = section(report, "praise")["rows"]
    assert {(name, reason) for name, reason, _detail in praise} == {
        ("浒山", "完成目标"),
        ("浒山", "进度完成快"),
        ("浒山", "工作成效好"),
    }
    details = " ".join(detail for *_rest, detail in praise)
    assert "93.50" in details and "2024" in details


def test_supervise_list_has_a_reason_per_entry(report, city):
    supervise = section(report, "supervise")["rows"]
    reasons = {reason: detail for name, reason, detail in supervise if name == "古塘"}
    assert set(reasons) == {"未达成目标", "进度慢", "群众满意度低", "考核不合格"}
    assert "0" in reasons["未达成目标"] and "3" in reasons["未达成目标"]
    assert "90" in reasons["进度慢"]
    assert "70" in reasons["群众满意度低"]
    assert "古塘养老运营合同" in reasons["考核不合格"]
    assert all(name == "古塘" for name, *_rest in supervise)


def test_praise_is_withheld_while_something_needs_supervising(city):
    # 浒山 is praised; give it one low score and it moves to the supervise list instead.
    community = city.hushan.communities.order_by("pk").first()  # rated 92 for 2025-H1
    SatisfactionScoreFactory(community=community, period="2025-06", score=Decimal("40"))
    report = build_report(period=PERIOD, today=TODAY)
    assert not [r for r in section(report, "praise")["rows"] if r[0] == "浒山"]
    assert ("浒山", "群众满意度低") in {(r[0], r[1]) for r in section(report, "supervise")["rows"]}


def test_the_same_figures_are_written_in_every_language_asked_for(city):
    report = build_report(period=PERIOD, today=TODAY, languages=("en",))
    json.dumps(report)  # stored as it is
    english = {s["key"]: s for s in report["translations"]["en"]}
    assert english["starts"]["title"] == "Gap-filling starts against the annual quota"
    assert english["funds"]["rows"][-1][0] == "City total"
    assert english["overdue"]["rows"][0][3] == "Approved"
    supervise = {(name, reason) for name, reason, _detail in english["supervise"]["rows"]}
    assert ("古塘", "Failed assessment") in supervise and ("古塘", "Slow progress") in supervise
    assert "for 90 days (limit 60)" in " ".join(r[2] for r in english["supervise"]["rows"])
    for key, chinese in ((s["key"], s) for s in report["sections"]):
        assert len(english[key]["rows"]) == len(chinese["rows"]), key
    assert sections_in(report, "en") == report["translations"]["en"]
    assert sections_in(report, "zh-hans") == report["sections"]


def test_progress_is_reported_in_order(city):
    heard = []
    build_report(period=PERIOD, today=TODAY, progress=heard.append)
    assert heard == sorted(heard) and heard[-1] < 100


def test_workbook_has_a_sheet_per_section_and_native_charts(report):
    content = report_workbook(report)
    book = load_workbook(BytesIO(content))
    titles = [s["title"] for s in report["sections"]]
    assert book.sheetnames == ["说明", *titles]
    starts = book["补短板年度启动情况"]
    assert [c.value for c in starts[1]] == ["年度", "任务数", "已启动", "待启动"]
    assert [c.value for c in starts[3]] == ["2024", 8, 2, 6]
    funds = book["补助资金拨付"]
    assert [funds["A3"].value, funds["B3"].value] == ["浒山", 600000]  # 古塘 sorts first
    assert funds["B3"].number_format == "#,##0.00"
    overdue = book["超时环节"]
    assert overdue["B2"].value == "=SUM(A1)" and overdue["B2"].data_type == "s"

    with zipfile.ZipFile(BytesIO(content)) as archive:
        charts = sorted(n for n in archive.namelist() if n.startswith("xl/charts/chart"))
        assert len(charts) == 2
        xml = {name: archive.read(name).decode() for name in charts}
    quota_chart = next(x for x in xml.values() if "'补短板年度启动情况'!" in x)
    assert "<barChart>" in quota_chart and '<barDir val="col"/>' in quota_chart
    # Two series, quota and started, named by their headers, over the three years.
    assert "'补短板年度启动情况'!B1" in quota_chart and "'补短板年度启动情况'!C1" in quota_chart
    assert "'补短板年度启动情况'!$A$2:$A$4" in quota_chart
    assert "'补短板年度启动情况'!$C$2:$C$4" in quota_chart
    funds_chart = next(x for x in xml.values() if "'补助资金拨付'!" in x)
    assert "<barChart>" in funds_chart
    # The city-total row is left out of the chart: two subdistricts, rows 2–3.
    assert "'补助资金拨付'!$A$2:$A$3" in funds_chart
    assert "'补助资金拨付'!$C$2:$C$3" in funds_chart


def test_a_start_after_the_month_does_not_count(city):
    # 浒山's 2025 plan moved into construction on 5 July: not started in June.
    plan = GapFillingPlan.objects.get(subdistrict=city.hushan, year=2025)
    entered(plan, PlanState.UNDER_CONSTRUCTION, date(2025, 7, 5), plan.created_by)
    report = build_report(period=PERIOD, today=TODAY)
    assert rows(report, "starts")["2025"] == [8, 0, 8]
    praise = {(r[0], r[1]) for r in section(report, "praise")["rows"]}
    assert ("浒山", "进度完成快") not in praise
    assert ("浒山", "完成目标") in praise


def test_english_counts_read_in_the_singular_too(city):
    report = build_report(period=PERIOD, today=TODAY, languages=("en",))
    praise = {s["key"]: s for s in report["translations"]["en"]}["praise"]["rows"]
    details = [detail for _name, _reason, detail in praise]
    assert "2025: the 1 community already started in 2025-06" in details
    assert "2024: all 2 gap-filling communities started" in details
