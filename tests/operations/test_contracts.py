"""Operators and contracts: who may write them, no overlapping contracts for a facility,
and the elderly-care 1+N chain on the operator's page."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from communities.choices import FacilityType
from operations import selectors, services
from operations.choices import ContractState, ServiceLevel
from operations.models import OperatingContract, Operator
from tests.factories import CommunityFactory, FacilityFactory

from .factories import ContractFactory, OperatorFactory, credit_code


def terms(start, end, **extra):
    return {
        "operator": extra.pop("operator"),
        "title": extra.pop("title", "养老服务运营合同"),
        "service_level": extra.pop("service_level", ServiceLevel.COMMUNITY),
        "starts_on": date.fromisoformat(start),
        "ends_on": date.fromisoformat(end),
        "annual_fee": Decimal(extra.pop("fee", "120000")),
    }


@pytest.fixture
def facility(hushan):
    return FacilityFactory(community=CommunityFactory(subdistrict=hushan))


def test_operator_with_a_wrong_credit_code_is_refused(assessor):
    with pytest.raises(ValidationError) as caught:
        services.operator_create(
            actor=assessor, fields={"name": "某机构", "credit_code": "91330282MA2H4K7L5P"}
        )
    assert "credit_code" in caught.value.message_dict
    operator = services.operator_create(
        actor=assessor,
        fields={
            "name": "某机构",
            "credit_code": credit_code(7).lower(),
            "facility_types": ["sports"],
        },
    )
    assert operator.credit_code == credit_code(7)


def test_operator_facility_types_must_be_known(assessor):
    with pytest.raises(ValidationError):
        services.operator_create(
            actor=assessor,
            fields={"name": "某机构", "credit_code": credit_code(8), "facility_types": ["spa"]},
        )


def test_staff_sign_contracts_for_their_own_subdistrict(staff_hushan, facility):
    contract = services.contract_create(
        actor=staff_hushan,
        subdistrict=staff_hushan.subdistrict,
        facilities=[facility],
        fields=terms("2025-01-01", "2025-12-31", operator=OperatorFactory()),
    )
    assert list(contract.facilities.all()) == [facility]
    assert contract.created_by == staff_hushan


def test_another_subdistrict_is_out_of_scope(staff_gutang, facility, hushan):
    with pytest.raises(Http404):
        services.contract_create(
            actor=staff_gutang,
            subdistrict=hushan,
            facilities=[facility],
            fields=terms("2025-01-01", "2025-12-31", operator=OperatorFactory()),
        )


def test_facilities_must_belong_to_the_contracting_subdistrict(assessor, facility, gutang):
    with pytest.raises(ValidationError) as caught:
        services.contract_create(
            actor=assessor,
            subdistrict=gutang,
            facilities=[facility],
            fields=terms("2025-01-01", "2025-12-31", operator=OperatorFactory()),
        )
    assert facility.name in str(caught.value)


def test_readers_cannot_sign(user_with_role, facility, hushan):
    with pytest.raises(PermissionDenied):
        services.contract_create(
            actor=user_with_role("supervisor"),
            subdistrict=hushan,
            facilities=[facility],
            fields=terms("2025-01-01", "2025-12-31", operator=OperatorFactory()),
        )


@pytest.mark.parametrize(
    ("start", "end", "overlaps"),
    [
        ("2025-06-01", "2026-05-31", True),
        ("2024-01-01", "2025-01-01", True),  # one shared day is an overlap
        ("2025-12-31", "2027-01-01", True),
        ("2024-01-01", "2024-12-31", False),
        ("2026-01-01", "2026-12-31", False),
    ],
)
def test_no_overlapping_contracts_for_one_facility(
    assessor, facility, hushan, start, end, overlaps
):
    services.contract_create(
        actor=assessor,
        subdistrict=hushan,
        facilities=[facility],
        fields=terms("2025-01-01", "2025-12-31", operator=OperatorFactory(), title="首份合同"),
    )
    call = lambda: services.contract_create(  # noqa: E731
        actor=assessor,
        subdistrict=hushan,
        facilities=[facility],
        fields=terms(start, end, operator=OperatorFactory()),
    )
    if overlaps:
        with pytest.raises(ValidationError) as caught:
            call()
        assert "首份合同" in str(caught.value)
        assert OperatingContract.objects.count() == 1
    else:
        call()
        assert OperatingContract.objects.count() == 2


def test_a_terminated_contract_frees_its_facilities(client, assessor, facility, hushan):
    first = services.contract_create(
        actor=assessor,
        subdistrict=hushan,
        facilities=[facility],
        fields=terms("2025-01-01", "2026-12-31", operator=OperatorFactory()),
    )
    services.contract_terminate(actor=assessor, contract=first)
    services.contract_create(
        actor=assessor,
        subdistrict=hushan,
        facilities=[facility],
        fields=terms("2025-06-01", "2026-12-31", operator=OperatorFactory()),
    )
    assert OperatingContract.objects.filter(state=ContractState.ACTIVE).count() == 1
    # An ended contract stays as it was: editing it could make it clash again.
    with pytest.raises(ValidationError):
        services.contract_update(
            actor=assessor,
            contract=first,
            facilities=[facility],
            fields={"annual_fee": Decimal("1")},
        )
    first.refresh_from_db()
    assert first.annual_fee == Decimal("120000.00")
    client.force_login(assessor)
    edit = client.get(reverse("operations:contract_edit", args=[first.pk]))
    assert edit.status_code == 302 and edit["Location"] == first.get_absolute_url()


def test_updating_a_contract_does_not_clash_with_itself(assessor, facility, hushan):
    contract = services.contract_create(
        actor=assessor,
        subdistrict=hushan,
        facilities=[facility],
        fields=terms("2025-01-01", "2025-12-31", operator=OperatorFactory()),
    )
    updated = services.contract_update(
        actor=assessor,
        contract=contract,
        facilities=[facility],
        fields={"ends_on": date(2026, 12, 31), "annual_fee": Decimal("130000")},
    )
    assert updated.ends_on == date(2026, 12, 31)


def test_term_and_fee_are_checked(assessor, facility, hushan):
    with pytest.raises(ValidationError):
        services.contract_create(
            actor=assessor,
            subdistrict=hushan,
            facilities=[facility],
            fields=terms("2025-01-01", "2024-12-31", operator=OperatorFactory()),
        )
    with pytest.raises(ValidationError):
        services.contract_create(
            actor=assessor,
            subdistrict=hushan,
            facilities=[facility],
            fields=terms("2025-01-01", "2025-12-31", operator=OperatorFactory(), fee="-1"),
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_contracts_for_one_facility_sign_once(user_with_role, hushan):
    assessor = user_with_role("operations_assessor")
    facility = FacilityFactory(community=CommunityFactory(subdistrict=hushan))
    operators = [OperatorFactory(), OperatorFactory()]

    def sign(index):
        try:
            services.contract_create(
                actor=assessor,
                subdistrict=hushan,
                facilities=[facility],
                fields=terms("2025-01-01", "2025-12-31", operator=operators[index]),
            )
            return "signed"
        except ValidationError:
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = sorted(pool.map(sign, range(2)))

    assert results == ["refused", "signed"]
    assert OperatingContract.objects.count() == 1


def elderly(community, name):
    return FacilityFactory(community=community, facility_type=FacilityType.ELDERLY_CARE, name=name)


def test_the_operator_page_shows_the_1_plus_n_chain(client, staff_hushan, hushan):
    operator = OperatorFactory(name="颐乐养老")
    communities = [CommunityFactory(subdistrict=hushan) for _ in range(3)]
    hub = elderly(communities[0], "街道居家养老服务中心")
    members = [elderly(c, f"{c.name}养老服务站") for c in communities]
    ContractFactory(
        subdistrict=hushan,
        operator=operator,
        service_level=ServiceLevel.SUBDISTRICT,
        facilities=[hub],
    )
    ContractFactory(subdistrict=hushan, operator=operator, facilities=members)
    chains = selectors.elderly_care_chains(
        selectors.operator_contracts(operator=operator, user=staff_hushan)
    )
    assert [(c["label"], c["is_complete"]) for c in chains] == [("1+3", True)]

    client.force_login(staff_hushan)
    page = client.get(reverse("operations:operator_detail", args=[operator.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "1+3" in text and "街道居家养老服务中心" in text
    for member in members:
        assert member.name in text
    chain_text = text.split('data-testid="elderly-chains"')[1].split("</dl>")[0]
    assert f"{members[0].name}、{communities[1].name}" in chain_text
    client.cookies["django_language"] = "en"
    english = client.get(reverse("operations:operator_detail", args=[operator.pk]))
    assert f"{members[0].name}, {communities[1].name}" in english.content.decode()


def test_the_operator_page_hides_other_subdistricts_contracts(client, staff_gutang, hushan):
    operator = OperatorFactory()
    ContractFactory(subdistrict=hushan, operator=operator, title="浒山的合同")
    client.force_login(staff_gutang)
    page = client.get(reverse("operations:operator_detail", args=[operator.pk]))
    assert page.status_code == 200
    assert "浒山的合同" not in page.content.decode()


def test_contract_pages_of_another_subdistrict_are_404(client, staff_gutang, hushan):
    contract = ContractFactory(subdistrict=hushan)
    client.force_login(staff_gutang)
    for name in ("contract_detail", "contract_edit"):
        assert client.get(reverse(f"operations:{name}", args=[contract.pk])).status_code == 404
    response = client.post(reverse("operations:contract_terminate", args=[contract.pk]))
    assert response.status_code == 404


def test_contract_form_signs_through_the_service(client, staff_hushan, facility):
    operator = OperatorFactory()
    client.force_login(staff_hushan)
    url = reverse("operations:contract_add")
    assert client.get(url).status_code == 200
    data = {
        "subdistrict": staff_hushan.subdistrict_id,
        "operator": operator.pk,
        "title": "表单合同",
        "service_level": ServiceLevel.COMMUNITY,
        "starts_on": "2025-01-01",
        "ends_on": "2025-12-31",
        "annual_fee": "50000",
        "facilities": [facility.pk],
    }
    response = client.post(url, data)
    assert response.status_code == 302
    contract = OperatingContract.objects.get(title="表单合同")
    # The same facility again, overlapping: the form shows the clash, nothing is saved.
    again = client.post(url, {**data, "title": "重复合同"})
    assert again.status_code == 200
    assert "表单合同" in again.content.decode()
    assert not OperatingContract.objects.filter(title="重复合同").exists()
    assert contract.facilities.get() == facility
    # A negative fee and a term that ends before it starts: Chinese reasons on the fields.
    bad = client.post(
        url, {**data, "title": "错误合同", "annual_fee": "-1", "ends_on": "2024-12-31"}
    )
    assert bad.status_code == 200
    errors = bad.context["form"].errors
    assert set(errors) == {"annual_fee", "ends_on"}
    assert all("\u4e00" <= message[0] <= "\u9fff" for e in errors.values() for message in e)
    assert not OperatingContract.objects.filter(title="错误合同").exists()


def test_operator_form_shows_the_credit_code_reason(client, assessor):
    client.force_login(assessor)
    response = client.post(
        reverse("operations:operator_add"),
        {"name": "某机构", "credit_code": "91330282MA2H4K7L5P", "facility_types": ["sports"]},
    )
    assert response.status_code == 200
    assert "N" in response.content.decode()
    assert not Operator.objects.exists()


def test_contract_edit_page_changes_the_fee(client, assessor, facility, hushan):
    contract = services.contract_create(
        actor=assessor,
        subdistrict=hushan,
        facilities=[facility],
        fields=terms("2025-01-01", "2025-12-31", operator=OperatorFactory()),
    )
    client.force_login(assessor)
    url = reverse("operations:contract_edit", args=[contract.pk])
    form = client.get(url).context["form"]
    assert form.initial["facilities"] == [facility.pk]
    response = client.post(
        url,
        {
            "operator": contract.operator_id,
            "title": contract.title,
            "service_level": contract.service_level,
            "starts_on": "2025-01-01",
            "ends_on": "2025-12-31",
            "annual_fee": "150000",
            "facilities": [facility.pk],
        },
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.annual_fee == Decimal("150000.00")
    assert contract.subdistrict == hushan
    # Terminating cannot be undone, so the button asks first.
    detail = client.get(contract.get_absolute_url()).content.decode()
    terminate = reverse("operations:contract_terminate", args=[contract.pk])
    assert f'action="{terminate}" data-confirm="' in detail


def test_the_chain_card_is_only_for_elderly_care_operators(client, staff_hushan):
    childcare = OperatorFactory(facility_types=[FacilityType.CHILDCARE])
    elderly_care = OperatorFactory(facility_types=[FacilityType.ELDERLY_CARE])
    client.force_login(staff_hushan)
    page = client.get(reverse("operations:operator_detail", args=[childcare.pk]))
    assert "elderly-chains" not in page.content.decode()
    page = client.get(reverse("operations:operator_detail", args=[elderly_care.pk]))
    assert "elderly-chains" in page.content.decode()


def test_staff_change_an_operator_only_while_it_works_for_them_alone(
    client, staff_hushan, assessor, hushan, gutang
):
    operator = OperatorFactory(name="共用机构")
    ContractFactory(subdistrict=hushan, operator=operator)
    services.operator_update(actor=staff_hushan, operator=operator, fields={"phone": "1"})
    ContractFactory(subdistrict=gutang, operator=operator)
    with pytest.raises(PermissionDenied):
        services.operator_update(actor=staff_hushan, operator=operator, fields={"name": "改名"})
    edit_url = reverse("operations:operator_edit", args=[operator.pk])
    client.force_login(staff_hushan)
    assert edit_url not in client.get(operator.get_absolute_url()).content.decode()
    services.operator_update(actor=assessor, operator=operator, fields={"name": "改名"})
    client.force_login(assessor)
    assert edit_url in client.get(operator.get_absolute_url()).content.decode()
    operator.refresh_from_db()
    assert (operator.name, operator.phone) == ("改名", "1")


def test_a_terminated_contract_was_in_force_only_until_its_end(
    client, assessor, supervisor, facility, hushan
):
    today = timezone.localdate()
    contract = services.contract_create(
        actor=assessor,
        subdistrict=hushan,
        facilities=[facility],
        fields=terms(
            str(today - timedelta(days=30)),
            str(today + timedelta(days=300)),
            operator=OperatorFactory(),
        ),
    )
    services.contract_terminate(actor=assessor, contract=contract)
    contract.refresh_from_db()
    assert contract.terminated_on == today
    client.force_login(supervisor)

    def in_force_on(day):
        response = client.get(reverse("operations:contract_list"), {"active_on": str(day)})
        return list(response.context["object_list"])

    assert in_force_on(today - timedelta(days=1)) == [contract]
    assert in_force_on(today) == []
    assert selectors.community_panel(facility.community)["contracts"] == []
    page = client.get(contract.get_absolute_url()).content.decode()
    assert f"于 {today:%Y-%m-%d} 终止" in page


def test_contracts_running_out_wait_on_the_to_do_list_and_expired_ones_say_so(
    client, staff_hushan, staff_gutang, hushan
):
    today = timezone.localdate()
    soon = ContractFactory(
        subdistrict=hushan, starts_on=today - timedelta(days=300), ends_on=today + timedelta(30)
    )
    ContractFactory(  # not for two years yet
        subdistrict=hushan, starts_on=today - timedelta(days=300), ends_on=today + timedelta(700)
    )
    expired = ContractFactory(
        subdistrict=hushan, starts_on=today - timedelta(days=300), ends_on=today - timedelta(1)
    )
    [item] = selectors.worklist_for(staff_hushan)
    assert item.count == 1
    assert selectors.worklist_for(staff_gutang) == []  # another subdistrict's contracts
    client.force_login(staff_hushan)
    listed = client.get(item.url).context["object_list"]
    assert list(listed) == [soon]
    assert expired.standing == "已到期" and soon.standing == "履行中"
    assert "已到期" in client.get(expired.get_absolute_url()).content.decode()
