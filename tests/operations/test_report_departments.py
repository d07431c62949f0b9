"""The supervision report judges the city departments too (§八(二)): a department whose
joint-review opinions were late is supervised, naming the plans; one that gave every opinion
due in the month in time is praised; one with nothing due is on neither list."""

from io import BytesIO

import pytest
from django.utils import translation
from openpyxl import load_workbook

from operations.models import SupervisionRules
from operations.report import Rules, build_report, section
from operations.workbook import report_workbook

from .reportdata import PERIOD, TODAY, build_city, build_reviews


@pytest.fixture
def reviews(assessor):
    return build_reviews(build_city(assessor))


def june(**rules):
    return build_report(period=PERIOD, today=TODAY, rules=Rules(opinion_days=15, **rules))


def names(report, key) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for name, reason, detail in section(report, key)["rows"]:
        found.setdefault(name, []).append((reason, detail))
    return found


def test_a_department_with_an_overdue_opinion_is_supervised_naming_the_plan(reviews):
    with translation.override("zh-hans"):
        report = june()

    supervise = names(report, "supervise")
    [(reason, detail)] = supervise["市民政局"]
    assert reason == "会审意见超期"
    assert "观海卫" in detail and "观海卫养老补短板" in detail
    assert "2025-05-25" in detail and "36" in detail  # due 25 May, 36 days late on 30 June
    assert "新城托育补短板" not in detail  # the round ended before that opinion fell due
    assert "市民政局" not in names(report, "praise")


def test_a_department_that_gave_every_opinion_in_time_is_praised(reviews):
    report = june()

    [(reason, detail)] = names(report, "praise")["市发改局"]
    assert reason == "会审意见及时"
    assert "1" in detail and PERIOD in detail
    assert "市发改局" not in names(report, "supervise")


def test_a_department_with_nothing_due_in_the_month_is_on_neither_list(reviews):
    report = june()

    assert "市财政局" not in names(report, "praise")
    assert "市财政局" not in names(report, "supervise")
    rows = {row[0]: row[1:4] for row in section(report, "department_opinions")["rows"]}
    assert "市财政局" not in rows
    assert rows["市发改局"] == [1, 1, 0]  # the May opinion was settled before June
    assert rows["市民政局"] == [1, 0, 1]


def test_the_subdistricts_keep_their_places_on_the_lists(reviews):
    report = june()

    assert ("浒山", "完成目标") in {(r[0], r[1]) for r in section(report, "praise")["rows"]}
    assert "古塘" in names(report, "supervise")
    units = [row[0] for row in section(report, "supervise")["rows"]]
    assert units.index("古塘") < units.index("市民政局")  # subdistricts first, then departments


def test_the_limit_comes_from_the_rules_in_use(reviews):
    SupervisionRules.objects.filter(is_active=True).update(opinion_days=60)

    report = build_report(period=PERIOD, today=TODAY)

    assert Rules.current().opinion_days == 60
    assert "市民政局" not in names(report, "supervise")  # due 9 July: not late in June
    assert section(report, "department_opinions")["rows"] == []


def test_english_names_the_department_and_the_late_plan(reviews):
    report = build_report(
        period=PERIOD, today=TODAY, rules=Rules(opinion_days=15), languages=("en",)
    )

    english = {s["key"]: s for s in report["translations"]["en"]}
    [row] = [r for r in english["supervise"]["rows"] if r[0] == "Civil Affairs Bureau"]
    assert row[1] == "Late review opinions"
    assert "not given, 36 days late" in row[2] and "(round 1)" in row[2]
    assert english["supervise"]["columns"][0] == "Subdistrict or department"


def test_the_workbook_has_the_departments_sheet(reviews):
    report = june()

    book = load_workbook(BytesIO(report_workbook(report)))

    sheet = book["各部门会审意见"]
    assert [c.value for c in sheet[1]][:4] == ["部门", "应办意见", "按时", "超期"]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert ["市民政局", 1, 0, 1] in [v[:4] for v in values]
