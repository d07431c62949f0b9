"""The future-community projects as the three-year creation plan table (2023–2025) in Excel."""

from collections.abc import Callable

from openpyxl.styles import Alignment, Border, Font, Side

from communities.printing import apply_print_setup
from communities.workbooks import PortalWorkbook, workbook_bytes

from .selectors import scenarios_by_state

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The table is an official form (policy 附件4); its headings stay as the form has them.
TITLE = "慈溪市未来社区创建三年计划表（2023—2025）"
HEADERS = [
    "序号",
    "镇（街道）",
    "社区名称",
    "创建批次/计划年度",
    "类别",
    "类型",
    "保障模式",
    "创建投资（万元）",
    "当前阶段",
    "立项日期",
    "省级命名日期",
    "九场景建设情况",
]
WIDTHS = [6, 12, 14, 18, 10, 10, 26, 16, 20, 12, 14, 34]
CATEGORY = {"renovation": "旧改类", "new_build": "新建类"}
TYPE = {"inclusive": "普惠型", "leading": "引领型"}
FUNDING = {
    "original": "原有模式",
    "optimised": "优化调整模式（分档补贴）",
    "self_funded": "实施主体保障",
}
STAGE = {
    "planning": "方案编制",
    "plan_reviewed": "实施方案已审核",
    "approved": "已立项",
    "construction_complete": "建设完成",
    "joint_acceptance_passed": "联合验收通过",
    "assessment_passed": "考核通过",
    "named": "省级命名",
}
SCENARIO = {
    "neighbourhood": "邻里场景",
    "education": "教育场景",
    "health": "健康场景",
    "entrepreneurship": "创业场景",
    "architecture": "建筑场景",
    "transport": "交通场景",
    "low_carbon": "低碳场景",
    "services": "服务场景",
    "governance": "治理场景",
}
SCENARIO_STATE = {"accepted": "已验收", "built": "已建成", "planned": "计划建设"}
# A table written in the background records its progress on its export row this often.
PROGRESS_EVERY = 200
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _schedule(project) -> tuple[tuple[int, int], str]:
    """Sort key and label: provincial batches first (creating since before 2023), then years."""
    if project.provincial_batch:
        return (0, project.provincial_batch), f"省级第{project.provincial_batch}批"
    return (1, project.plan_year or 9999), f"{project.plan_year}年计划"


def _scenarios(project) -> str:
    """The project's scenarios by state, e.g. "已验收：邻里场景、健康场景；计划建设：交通场景"."""
    return "；".join(
        f"{SCENARIO_STATE.get(state, state)}："
        + "、".join(SCENARIO.get(row.scenario, row.scenario) for row in rows)
        for state, rows in scenarios_by_state(project)
    )


def three_year_plan_workbook(
    projects, *, progress: Callable[[int], None] | None = None, every: int = PROGRESS_EVERY
) -> bytes:
    """Write the projects (already filtered) as the three-year creation plan table, telling
    ``progress`` the number of rows written every ``every`` rows and at the end."""
    rows = sorted(
        projects,
        key=lambda p: (_schedule(p)[0], p.community.subdistrict.code, p.community.code),
    )
    book = PortalWorkbook()
    sheet = book.active
    sheet.title = "三年计划表"
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet["A1"].font = Font(size=14, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    total = 0
    for number, project in enumerate(rows, start=1):
        investment = project.creation_investment / 10000
        total += investment
        sheet.append(
            [
                number,
                project.community.subdistrict.name,
                project.community.name,
                _schedule(project)[1],
                CATEGORY.get(project.category, project.category),
                TYPE.get(project.project_type, project.project_type),
                FUNDING.get(project.funding_mode, project.funding_mode),
                investment,
                STAGE.get(project.stage, project.stage),
                project.approval_date,
                project.named_date,
                _scenarios(project),
            ]
        )
        if progress and number % every == 0:
            progress(number)
    sheet.append(["合计", "", f"{len(rows)}个社区", "", "", "", "", total, "", "", "", ""])
    last = sheet.max_row
    sheet.cell(row=last, column=1).font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2, max_row=last):
        for cell in row:
            cell.border = BORDER
    for row in range(3, last + 1):
        sheet.cell(row=row, column=8).number_format = "#,##0.00"
        for column in (10, 11):
            sheet.cell(row=row, column=column).number_format = "yyyy-mm-dd"
    # The title and the headings print on every page; long names wrap within their columns.
    apply_print_setup(sheet, title_rows=2, widths=WIDTHS)
    for row in sheet.iter_rows(min_row=3, max_row=last):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"
    content = workbook_bytes(book)
    if progress:
        progress(len(rows))
    return content
