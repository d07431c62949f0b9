"""Every workbook the portal hands out prints on A4 one page wide with its headings repeated:
the plan table, the import templates (the list exports, the disbursement sheet, the supervision
report and the dashboard have their own tests)."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from communities.register import template_workbook
from operations.survey import survey_template
from projects.export import three_year_plan_workbook
from tests.factories import FutureCommunityProjectFactory

pytestmark = pytest.mark.django_db


def first_sheet(content: bytes):
    return load_workbook(BytesIO(content)).worksheets[0]


@pytest.mark.parametrize(
    ("build", "orientation", "title_rows"),
    [
        (lambda: three_year_plan_workbook([FutureCommunityProjectFactory()]), "landscape", "$1:$2"),
        (template_workbook, "landscape", "$1:$1"),
        (survey_template, "portrait", "$1:$1"),
    ],
    ids=["three-year plan table", "register template", "survey template"],
)
def test_the_workbook_prints_on_a4_one_page_wide_with_its_headings_on_every_page(
    build, orientation, title_rows
):
    sheet = first_sheet(build())
    assert sheet.page_setup.paperSize == 9
    assert sheet.page_setup.orientation == orientation
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == title_rows
    assert sheet.oddFooter.center.text == "&P / &N"


def test_the_plan_tables_long_names_wrap_within_their_columns():
    sheet = first_sheet(three_year_plan_workbook([FutureCommunityProjectFactory()]))
    assert sheet.cell(row=3, column=3).alignment.wrap_text is True
    assert sheet.column_dimensions["G"].width == 26
