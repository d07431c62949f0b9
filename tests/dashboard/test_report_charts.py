"""The supervision report's page draws its month's tables as the dashboard's charts."""

import json
import re

import pytest

from dashboard.templatetags.dashboard_charts import report_figures
from operations import services
from tests.operations.reportdata import build_city

pytestmark = pytest.mark.django_db


def test_report_sections_become_figures_without_their_totals():
    sections = [
        {
            "key": "gap_states",
            "title": "方案状态",
            "columns": ["镇街", "草稿", "已批复", "合计"],
            "kinds": ["text", "int", "int", "int"],
            "rows": [["浒山", 1, 2, 3], ["古塘", 0, 4, 4], ["全市合计", 1, 6, 7]],
            "note": "",
        },
        {
            "key": "starts",
            "title": "启动",
            "columns": ["年度", "目标", "已启动", "尚未启动"],
            "kinds": ["text", "int", "int", "int"],
            "rows": [["2024", 8, 5, 3]],
            "note": "",
        },
        {"key": "praise", "title": "表扬", "columns": ["x"], "kinds": ["text"], "rows": [["a"]]},
    ]
    figures = report_figures(sections)
    assert [f.key for f in figures] == ["report-gap_states", "report-starts"]
    states = figures[0]
    assert states.labels == ["浒山", "古塘"]
    assert [s.label for s in states.series] == ["草稿", "已批复"]
    assert [list(map(int, s.values)) for s in states.series] == [[1, 0], [2, 4]]
    assert [s.label for s in figures[1].series] == ["目标", "已启动"]


def test_the_report_page_carries_the_charts(client, user_with_role):
    supervisor = user_with_role("supervisor")
    build_city(user_with_role("operations_assessor"))
    report = services.supervision_report_build_now(period="2025-06")
    client.force_login(supervisor)
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'data-testid="report-charts"' in page
    charts = re.findall(r'data-chart="([^"]+)"', page)
    assert charts
    data = json.loads(charts[0].replace("&quot;", '"'))
    assert data["datasets"] and any(any(d["data"]) for d in data["datasets"])
