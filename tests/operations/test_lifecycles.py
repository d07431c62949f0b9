"""The life cycles of assessments, contracts and supervision reports, declared once in
operations/lifecycles.py: services check them, pages show their buttons, a refusal comes back
on the row's page."""

import inspect
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from communities.lifecycle import ILLEGAL, PAGE, SYSTEM
from communities.roles import Role
from operations import selectors, services
from operations.choices import OperationKind, ReportState
from operations.lifecycles import ASSESSMENT, CONTRACT, SUPERVISION_REPORT
from operations.models import OperationsAssessment, SupervisionReport
from tests.factories import FutureCommunityProjectFactory

from .factories import ContractFactory, OperatorFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lifecycle", [ASSESSMENT, CONTRACT, SUPERVISION_REPORT])
def test_every_step_names_a_service_that_takes_its_row(lifecycle):
    for step in lifecycle:
        parameters = inspect.signature(lifecycle.service(step.name)).parameters
        if step.where != SYSTEM:
            assert {"actor", lifecycle.subject} <= set(parameters), step.name
        if step.form:
            assert lifecycle.form_class(step.name) is not None


def test_the_worker_steps_have_no_button():
    assert [step.name for step in SUPERVISION_REPORT if step.where == PAGE] == ["retry"]


def draft(assessor, score="80") -> OperationsAssessment:
    return services.assessment_create(
        actor=assessor,
        project=FutureCommunityProjectFactory(),
        period="2025",
        scores=dict.fromkeys(OperationKind, Decimal(score)),
    )


def names(steps) -> list[str]:
    return [step.name for step in steps]


def test_the_assessor_gets_the_buttons_of_the_assessments_state(assessor, user_with_role):
    assessment = draft(assessor)
    assert names(ASSESSMENT.available(assessor, assessment, where=PAGE)) == ["edit", "submit"]
    supervisor = user_with_role(Role.SUPERVISOR)
    assert ASSESSMENT.available(supervisor, assessment, where=PAGE) == []
    assessment = services.assessment_submit(actor=assessor, assessment=assessment)
    assert names(ASSESSMENT.available(assessor, assessment)) == ["return", "confirm"]
    assessment = services.assessment_confirm(actor=assessor, assessment=assessment)
    # Not a named future community: no reward to release.
    assert ASSESSMENT.available(assessor, assessment) == []


def test_a_service_refuses_a_step_its_state_does_not_allow(assessor):
    assessment = draft(assessor)
    with pytest.raises(ValidationError) as caught:
        services.assessment_return(actor=assessor, assessment=assessment)
    assert caught.value.code == ILLEGAL
    assert caught.value.messages == [str(ASSESSMENT["return"].refusal)]


def test_the_detail_page_shows_only_the_available_buttons(client, assessor):
    assessment = draft(assessor)
    client.force_login(assessor)
    page = client.get(assessment.get_absolute_url()).content.decode()
    assert reverse("operations:assessment_action", args=[assessment.pk, "submit"]) in page
    assert reverse("operations:assessment_action", args=[assessment.pk, "confirm"]) not in page


def test_a_refused_step_shows_the_page_again_with_the_reason(client, assessor):
    assessment = draft(assessor)
    client.force_login(assessor)
    response = client.post(reverse("operations:assessment_action", args=[assessment.pk, "confirm"]))
    assert response.status_code == 200
    assert response.context["object"] == assessment
    errors = [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    assert errors and errors[0] == str(ASSESSMENT["confirm"].refusal)
    assessment.refresh_from_db()
    assert assessment.state == "draft"


def test_a_terminated_contract_has_no_buttons_and_refuses_ending_again(client, assessor):
    contract = ContractFactory()
    assert names(CONTRACT.available(assessor, contract)) == ["edit", "terminate"]
    contract = services.contract_terminate(actor=assessor, contract=contract)
    assert CONTRACT.available(assessor, contract) == []
    client.force_login(assessor)
    response = client.post(reverse("operations:contract_terminate", args=[contract.pk]))
    assert response.status_code == 200
    errors = [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    assert errors == [str(CONTRACT["terminate"].refusal)]


def test_staff_change_contracts_of_their_own_subdistrict_only(staff_hushan, hushan, gutang):
    own, other = ContractFactory(subdistrict=hushan), ContractFactory(subdistrict=gutang)
    assert selectors.contract_writable_by(staff_hushan, own)
    assert not selectors.contract_writable_by(staff_hushan, other)
    assert names(CONTRACT.available(staff_hushan, own)) == ["edit", "terminate"]
    assert CONTRACT.available(staff_hushan, other) == []


def test_editable_operators_leave_out_another_subdistricts_partner(
    staff_hushan, assessor, hushan, gutang
):
    alone, shared = OperatorFactory(), OperatorFactory()
    ContractFactory(subdistrict=hushan, operator=alone)
    ContractFactory(subdistrict=hushan, operator=shared)
    ContractFactory(subdistrict=gutang, operator=shared)
    assert set(selectors.editable_operators(staff_hushan)) == {alone}
    assert set(selectors.editable_operators(assessor)) == {alone, shared}


def test_only_a_failed_report_is_retried(supervisor):
    report = SupervisionReport.objects.create(period="2025-06")
    assert SUPERVISION_REPORT.available(supervisor, report, where=PAGE) == []
    with pytest.raises(ValidationError):
        services.supervision_report_retry(actor=supervisor, report=report)
    SupervisionReport.objects.filter(pk=report.pk).update(state=ReportState.FAILED)
    report.refresh_from_db()
    assert names(SUPERVISION_REPORT.available(supervisor, report, where=PAGE)) == ["retry"]
