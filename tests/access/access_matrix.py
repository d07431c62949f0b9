"""Who may open what: one row per URL name of the portal, for every role and anonymous.

This is DESIGN §1's table in the form the test requests it (tests/access/test_access_matrix.py).
A row names the URL, the roles that get the page, and, for a URL that takes a row, which of a
subdistrict's rows fills it in. The test requests it as each role and anonymous, with the row of
the subdistrict staff's own subdistrict (浒山) and of another (古塘), and fails for any URL name
of the portal without a row here.

Outcomes:
- ``OK``: the page (200), or for a POST the redirect to where the action leads, with no error;
- ``FORBIDDEN``: 403, the role may not;
- ``NOT_FOUND``: 404, the row is outside the user's scope (or hidden from the role);
- ``REFUSED``: a POST sent back to its page with the service's refusal as an error message;
- ``LOGIN``: the redirect to the login page (401 or 403 from the API).

Subdistrict staff get ``NOT_FOUND`` on another subdistrict's row wherever they get ``OK`` or
``REFUSED`` on their own, and ``FORBIDDEN`` stays ``FORBIDDEN``; ``other=`` says otherwise.
Everyone else reads city-wide: the same outcome for both subdistricts.

To add a URL: one line, e.g. ``Row("app:thing_detail", READERS, pk("thing"))``, where "thing" is
the name of a row in tests/access/world.py (add it there if the world has none).
"""

from collections.abc import Callable
from dataclasses import dataclass

from communities.roles import Role

OK, FORBIDDEN, NOT_FOUND, REFUSED, LOGIN = "ok", "403", "404", "refused", "login"

STAFF = Role.SUBDISTRICT_STAFF
REVIEWER = Role.DEPARTMENT_REVIEWER
TASKFORCE = Role.TASKFORCE_APPROVER
FINANCE = Role.FINANCE_OFFICER
ASSESSOR = Role.OPERATIONS_ASSESSOR
SUPERVISOR = Role.SUPERVISOR
ROLES = (STAFF, REVIEWER, TASKFORCE, FINANCE, ASSESSOR, SUPERVISOR)

# The lines of DESIGN §1's table, by who reads and who writes.
EVERYONE = ROLES  # communities, facilities, spaces, plans, projects
SUBSIDY_READERS = (STAFF, TASKFORCE, FINANCE, ASSESSOR, SUPERVISOR)
CONTRACT_READERS = (STAFF, TASKFORCE, FINANCE, ASSESSOR, SUPERVISOR)
CONTRACT_WRITERS = (STAFF, ASSESSOR)
ASSESSMENT_READERS = (STAFF, TASKFORCE, FINANCE, ASSESSOR, SUPERVISOR)
SATISFACTION_READERS = (STAFF, TASKFORCE, ASSESSOR, SUPERVISOR)
REPORT_READERS = (TASKFORCE, SUPERVISOR)


@dataclass(frozen=True)
class Row:
    """One URL name: who gets it, how it is filled in, and how it is requested."""

    name: str
    allowed: tuple[str, ...]
    # The URL's arguments from one subdistrict's rows (or the city's, with city=True).
    args: Callable | None = None
    # A form to POST instead of a GET, for POST-only endpoints.
    post: dict | None = None
    denied: str = FORBIDDEN
    anonymous: str = LOGIN
    city: bool = False
    # Subdistrict staff on another subdistrict's row, when not the rule above.
    other: str | None = None

    def expected(self, role: str | None, side: str) -> str:
        """The outcome for a role (None: anonymous) on the row of a side ("own" or "other")."""
        if role is None:
            return self.anonymous
        outcome = OK if role in self.allowed else self.denied
        if role == STAFF and side == "other":
            if self.other is not None:
                return self.other
            return NOT_FOUND if outcome in (OK, REFUSED) else outcome
        return outcome


def pk(name: str) -> Callable:
    """The URL takes the key of one row: ``pk("plan")`` is the subdistrict's plan."""
    return lambda rows: {"pk": getattr(rows, name).pk}


def code(name: str) -> Callable:
    """The URL takes the public code of one row: ``code("community")``."""
    return lambda rows: {"code": getattr(rows, name).code}


def child(parent: str, name: str | None = None) -> Callable:
    """A page under a parent row (``parent_pk``), and of one of its children (``pk``)."""

    def arguments(rows):
        values = {"parent_pk": getattr(rows, parent).pk}
        if name:
            values["pk"] = getattr(rows, name).pk
        return values

    return arguments


def api(basename: str, allowed: tuple[str, ...], name: str, **options) -> tuple[Row, Row]:
    """The list and detail routes of one API viewset."""
    return (
        Row(f"{basename}-list", allowed, **options),
        Row(f"{basename}-detail", allowed, pk(name), **options),
    )


MATRIX: list[Row] = [
    # Sign-in, the home page and the language switch
    Row("home", EVERYONE),
    Row("login", EVERYONE, anonymous=OK),
    Row("logout", EVERYONE, post={}),
    Row("set_language", EVERYONE, post={"language": "en", "next": "/"}, anonymous=OK),
    # Communities, facilities and landing spaces
    Row("communities:list", EVERYONE),
    Row("communities:priorities", EVERYONE),
    Row("communities:community_search", EVERYONE),
    Row("communities:space_search", EVERYONE),
    Row("communities:detail", EVERYONE, pk("community")),
    Row("communities:facility_add", (STAFF,), child("community")),
    Row("communities:facility_edit", (STAFF,), child("community", "facility")),
    Row("communities:space_add", (STAFF,), child("community")),
    Row("communities:space_edit", (STAFF,), child("community", "space")),
    # Gap-filling plans, future communities, development blocks
    Row("projects:plan_list", EVERYONE),
    Row("projects:plan_create", (STAFF,)),
    Row("projects:plan_space_choices", (STAFF,)),
    Row("projects:plan_detail", EVERYONE, pk("plan")),
    Row("projects:plan_edit", (STAFF,), pk("plan")),
    Row("projects:plan_approval_print", EVERYONE, pk("plan_accepted")),
    Row("projects:plan_acceptance_print", EVERYONE, pk("plan_accepted")),
    Row(
        "projects:attachment",
        EVERYONE,
        lambda rows: {"pk": rows.plan.pk, "attachment_pk": rows.attachment.pk},
    ),
    Row(
        "projects:plan_action",
        (STAFF,),
        lambda rows: {"pk": rows.plan.pk, "action": "submit"},
        post={},
    ),
    Row("projects:future_list", EVERYONE),
    Row("projects:future_export", EVERYONE),
    # A three-year plan table written in the background is its requester's alone (the own
    # subdistrict's staff, in the world); to anyone else it does not exist.
    Row("projects:plan_table_create", EVERYONE, post={"query": "plan_year=2024"}),
    Row("projects:plan_table_detail", (STAFF,), pk("plan_table"), city=True, denied=NOT_FOUND),
    Row("projects:plan_table_status", (STAFF,), pk("plan_table"), city=True, denied=NOT_FOUND),
    Row("projects:plan_table_download", (STAFF,), pk("plan_table"), city=True, denied=NOT_FOUND),
    Row(
        "projects:plan_table_retry",
        (STAFF,),
        pk("failed_plan_table"),
        city=True,
        post={},
        denied=NOT_FOUND,
    ),
    Row("projects:future_search", EVERYONE),
    Row("projects:future_detail", EVERYONE, pk("project")),
    # The task force plans a project's scenarios; the subdistrict reports them built.
    Row(
        "projects:future_scenarios",
        (TASKFORCE,),
        pk("project"),
        post={"neighbourhood": "邻里中心", "health": "健康小屋"},
    ),
    Row(
        "projects:future_scenarios_built",
        (STAFF,),
        pk("project_building"),
        post={"built": ["health"]},
    ),
    Row(
        "projects:future_document",
        EVERYONE,
        lambda rows: {"pk": rows.project.pk, "kind": "review", "record_pk": rows.digital_review.pk},
    ),
    Row(
        "projects:future_action",
        (ASSESSOR,),
        lambda rows: {"pk": rows.project.pk, "step": "digital_review"},
        post={
            "digital_review-verdict": "agree",
            "digital_review-reviewed_on": "2024-03-02",
            "digital_review-document_number": "慈融媒审〔2024〕5号",
        },
    ),
    Row("projects:block_list", EVERYONE),
    Row("projects:block_detail", EVERYONE, pk("block")),
    # Subsidies, tranches and disbursement sheets
    Row("funding:tranche_list", SUBSIDY_READERS),
    Row("funding:tranche_detail", SUBSIDY_READERS, pk("tranche")),
    Row("funding:tranche_approve", (FINANCE,), pk("tranche"), post={"comment": ""}),
    Row(
        "funding:tranche_pay",
        (FINANCE,),
        pk("tranche_approved"),
        post={"voucher_number": "PZ-2024-9", "paid_on": "2024-12-01"},
    ),
    Row("funding:tranche_cancel", (FINANCE,), pk("tranche"), post={"reason": "重复登记"}),
    Row("funding:tranche_return", (FINANCE,), pk("tranche_paid"), post={"reason": "资金退回"}),
    Row("funding:tranche_amount", (FINANCE,), pk("tranche_entered"), post={"amount": "900000"}),
    Row("funding:tranche_print", (FINANCE,), pk("tranche_paid")),
    # Bulk actions on no chosen row answer with an empty result page.
    Row("funding:tranche_bulk_approve", (FINANCE,), post={}),
    Row("funding:tranche_bulk_pay", (FINANCE,), post={}),
    Row("funding:budget_list", (FINANCE,)),
    Row("funding:export_list", (FINANCE,)),
    Row("funding:export_create", (FINANCE,), post={"query": "state=due"}),
    Row("funding:export_detail", (FINANCE,), pk("export"), city=True, denied=NOT_FOUND),
    Row("funding:export_status", (FINANCE,), pk("export"), city=True, denied=NOT_FOUND),
    Row("funding:export_download", (FINANCE,), pk("export"), city=True, denied=NOT_FOUND),
    Row("funding:export_retry", (FINANCE,), pk("failed_export"), city=True, post={}),
    # Operators and contracts; an operator is city-wide, but staff change only one that works
    # for their own subdistrict alone
    Row("operations:operator_list", CONTRACT_READERS),
    Row("operations:operator_search", CONTRACT_READERS),
    Row("operations:contract_search", CONTRACT_READERS),
    Row("operations:operator_add", CONTRACT_WRITERS),
    Row("operations:operator_detail", CONTRACT_READERS, pk("operator"), other=OK),
    Row("operations:operator_edit", CONTRACT_WRITERS, pk("operator"), other=FORBIDDEN),
    Row("operations:contract_list", CONTRACT_READERS),
    Row("operations:contract_add", CONTRACT_WRITERS),
    Row("operations:contract_detail", CONTRACT_READERS, pk("contract")),
    Row("operations:contract_edit", CONTRACT_WRITERS, pk("contract")),
    Row("operations:contract_terminate", CONTRACT_WRITERS, pk("contract"), post={}),
    # Operations assessments
    Row("operations:assessment_list", ASSESSMENT_READERS),
    Row("operations:assessment_add", (ASSESSOR,)),
    Row("operations:assessment_detail", ASSESSMENT_READERS, pk("assessment")),
    Row("operations:assessment_edit", (ASSESSOR,), pk("assessment")),
    Row(
        "operations:assessment_action",
        (ASSESSOR,),
        lambda rows: {"pk": rows.assessment.pk, "action": "submit"},
        post={},
    ),
    # Resident satisfaction
    Row("operations:satisfaction_list", SATISFACTION_READERS),
    Row("operations:satisfaction_add", (STAFF,)),
    Row("operations:satisfaction_import", (STAFF,)),
    Row("operations:satisfaction_template", (STAFF,)),
    # Supervision reports (city-wide)
    Row("operations:report_list", REPORT_READERS),
    Row("operations:report_request", (SUPERVISOR,), post={"period": "2025-03"}),
    Row("operations:report_detail", REPORT_READERS, pk("report"), city=True),
    Row("operations:report_status", REPORT_READERS, pk("report"), city=True),
    Row("operations:report_file", REPORT_READERS, pk("report"), city=True),
    Row("operations:report_retry", (SUPERVISOR,), pk("failed_report"), city=True, post={}),
    # The programme dashboard (subdistrict staff see their own rows)
    Row("dashboard:index", EVERYONE),
    Row("dashboard:summary", EVERYONE),
    Row("dashboard:coverage", EVERYONE),
    # Every user's own inbox; a notification is its recipient's alone (here 浒山's staff)
    Row("inbox:list", EVERYONE),
    Row("inbox:read_all", EVERYONE, post={}),
    Row("inbox:open", (STAFF,), pk("notification"), city=True, denied=NOT_FOUND),
    Row("inbox:read", (STAFF,), pk("notification"), city=True, denied=NOT_FOUND, post={}),
    # The public window: anyone, signed in or not, reads every community's pages
    Row("public:index", EVERYONE, anonymous=OK),
    Row("public:notices", EVERYONE, anonymous=OK),
    Row("public:community", EVERYONE, code("community"), anonymous=OK, other=OK),
    Row("public:suggest", EVERYONE, code("community"), anonymous=OK, other=OK),
    Row("public:suggestions", EVERYONE, anonymous=OK),
    Row("public:sent", EVERYONE, anonymous=OK),
    Row(
        "public:language",
        EVERYONE,
        lambda rows: {"code": "en"},
        anonymous=OK,
        other=OK,
    ),
    # Residents' suggestions: read by everyone signed in, answered by the subdistrict's staff
    Row("suggestions:list", EVERYONE),
    Row("suggestions:detail", EVERYONE, pk("suggestion")),
    Row(
        "suggestions:step",
        (STAFF,),
        lambda rows: {"pk": rows.suggestion.pk, "step": "answer"},
        post={"answer": "已答复"},
    ),
    # The load balancer's health check needs no login
    Row("health", EVERYONE, anonymous=OK),
    # The API: anonymous callers get 401/403 (LOGIN)
    *api("community", EVERYONE, "community"),
    *api("facility", EVERYONE, "facility"),
    *api("plan", EVERYONE, "plan"),
    *api("future-project", EVERYONE, "project"),
    *api("development-block", EVERYONE, "block"),
    *api("tranche", SUBSIDY_READERS, "tranche"),
    *api("operator", CONTRACT_READERS, "operator", other=OK),
    *api("operating-contract", CONTRACT_READERS, "contract"),
    *api("operations-assessment", ASSESSMENT_READERS, "assessment"),
    *api("satisfaction-score", SATISFACTION_READERS, "satisfaction"),
    *api("supervision-report", REPORT_READERS, "report", city=True),
    Row("api-schema", EVERYONE),
]
