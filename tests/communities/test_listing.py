"""A list page sorts by its columns, searches by text, pages by the reader's choice and exports
exactly the rows its filters found, in the page's order (communities.listing)."""

from decimal import Decimal
from io import BytesIO

import django_filters
import pytest
from django.template import engines
from django.test import RequestFactory
from django_filters.views import FilterView
from openpyxl import load_workbook

from communities.listing import Column, ListPageMixin, TextSearchFilter
from communities.models import Community
from tests.factories import CommunityFactory, SubdistrictFactory

pytestmark = pytest.mark.django_db

PAGE = engines["django"].from_string(
    "{% load listing %}{% sort_header 'name' %}{% sort_header 'population' css='num' %}"
    "{% sort_header 'code' %}|{% for row in object_list %}{{ row.name }},{% endfor %}"
    "|{% include 'includes/list_tools.html' %}"
)


class CommunityFilterSet(django_filters.FilterSet):
    q = TextSearchFilter(fields=("name", "subdistrict__name"))

    class Meta:
        model = Community
        fields = ["subdistrict"]


class CommunityList(ListPageMixin, FilterView):
    model = Community
    filterset_class = CommunityFilterSet
    paginate_by = 25
    columns = (
        Column("name", "名称", "name", order_by=("name",)),
        Column("subdistrict", "镇街", "subdistrict.name", order_by=("subdistrict__name",)),
        Column("population", "人口", "population", order_by=("population",), width=10),
        Column("area", "面积", lambda row: row.area_hectares),
        Column("code", "代码", "code"),
    )
    default_sort = "name"
    export_filename = "社区"

    def render_to_response(self, context, **kwargs):
        from django.http import HttpResponse

        context["request"] = self.request
        return HttpResponse(PAGE.render(context))


def get(query=""):
    request = RequestFactory().get(f"/communities/?{query}")
    return CommunityList.as_view()(request)


@pytest.fixture
def communities():
    hushan = SubdistrictFactory(name="浒山街道")
    gutang = SubdistrictFactory(name="古塘街道")
    rows = [
        CommunityFactory(subdistrict=hushan, name="金山", population=9000),
        CommunityFactory(subdistrict=hushan, name="青少年宫", population=12000),
        CommunityFactory(subdistrict=gutang, name="海关", population=7000, area_hectares=None),
        CommunityFactory(
            subdistrict=gutang, name="金堂", population=11000, area_hectares=Decimal("42.50")
        ),
    ]
    return rows


def names(response):
    return response.content.decode().split("|")[1].strip(",").split(",")


def exported(response):
    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.values)
    return rows[0], rows[1:]


def test_rows_sort_by_a_column_either_way_and_by_the_default(communities):
    assert names(get("sort=population")) == ["海关", "金山", "金堂", "青少年宫"]
    assert names(get("sort=-population")) == ["青少年宫", "金堂", "金山", "海关"]
    default = names(get())
    assert default == sorted(default)
    # A column that is not sortable, or a made-up key, falls back to the default order.
    assert names(get("sort=code")) == default
    assert names(get("sort=password")) == default


def test_headings_link_to_the_other_direction_and_say_how_the_list_is_sorted(communities):
    page = get("sort=population&page=1&q=金").content.decode()
    assert (
        'aria-sort="ascending" class="num"><a class="sort-link" href="?sort=-population&amp;q='
        in page
    )
    assert 'aria-sort="none"><a class="sort-link" href="?sort=name&amp;q=' in page
    assert "page=1" not in page.split("|")[0]
    # The code column is not sortable: a plain heading.
    assert '<th scope="col">代码</th>' in page


def test_search_matches_every_word_in_any_field(communities):
    assert sorted(names(get("q=金"))) == ["金堂", "金山"]
    assert names(get("q=古塘 金")) == ["金堂"]
    assert sorted(names(get("q=浒山街道"))) == ["金山", "青少年宫"]
    assert names(get("q=不存在")) == [""]


def test_page_size_is_the_readers_choice_among_the_offered_ones(communities):
    CommunityFactory.create_batch(60)
    assert len(names(get("per_page=50"))) == 50
    assert len(names(get("per_page=100"))) == 64
    # Not one of the choices: the page's own size.
    assert len(names(get("per_page=7"))) == 25
    assert len(names(get("per_page=100000"))) == 25
    page = get("per_page=100").content.decode()
    assert '<option value="100" selected>' in page
    assert "64 rows" in page or "64 条" in page


def test_export_holds_exactly_the_filtered_rows_in_the_pages_order(communities):
    CommunityFactory.create_batch(40, name="其他")
    response = get("q=金&sort=-population&per_page=25&page=1&export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    heading, rows = exported(response)
    assert heading == ("名称", "镇街", "人口", "面积", "代码")
    assert [row[0] for row in rows] == names(get("q=金&sort=-population"))
    assert rows[0][1:3] == ("古塘街道", 11000)
    # Figures stay numbers the spreadsheet can add up; a missing one is an empty cell.
    assert rows[0][3] == 42.5


def test_export_is_not_limited_to_one_page(communities):
    CommunityFactory.create_batch(60, name="其他")
    heading, rows = exported(get("export=xlsx"))
    assert len(rows) == 64
    # A missing figure is an empty cell, not "None".
    assert [row[3] for row in rows if row[0] == "海关"] == [None]


def test_export_prints_one_page_wide_with_its_heading_on_every_page(communities):
    response = get("export=xlsx")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.freeze_panes == "A2"


def test_text_that_looks_like_a_formula_is_exported_as_text(communities):
    CommunityFactory(name='=HYPERLINK("http://x","y")')
    heading, rows = exported(get("q=HYPERLINK&export=xlsx"))
    assert rows[0][0] == '=HYPERLINK("http://x","y")'
