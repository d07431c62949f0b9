"""Finance pages read in one language: today's payment date, 元 on every figure, the policy's
translated name, the system's notes in the reader's language, refused amounts kept as typed."""

from datetime import UTC, date, datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import Route
from communities.roles import Role
from funding.choices import TrancheStage, TrancheState
from funding.models import SubsidyPolicy
from tests.factories import PASSWORD, CommunityFactory, FutureCommunityProjectFactory

from .factories import BudgetEnvelopeFactory, TrancheFactory

D = Decimal


@pytest.fixture
def finance(client, user_with_role):
    user = user_with_role(Role.FINANCE_OFFICER)
    client.login(username=user.username, password=PASSWORD)
    return user


def original_model_tranche(**fields):
    project = FutureCommunityProjectFactory(
        community=CommunityFactory(route=Route.FUTURE), funding_mode="original"
    )
    return TrancheFactory(
        plan=None,
        project=project,
        subdistrict=project.community.subdistrict,
        stage=TrancheStage.ORIGINAL_MODEL,
        state=TrancheState.SCHEDULED,
        amount=D("0.00"),
        policy=SubsidyPolicy.objects.get(code="future-original"),
        policy_version="future-original v1",
        policy_snapshot={},
        **fields,
    )


def test_the_pay_form_starts_with_today_in_the_portals_time_zone(client, finance):
    tranche = TrancheFactory(state=TrancheState.APPROVED)

    html = client.get(reverse("funding:tranche_detail", args=[tranche.pk])).content.decode()

    assert f'name="paid_on" value="{timezone.localdate().isoformat()}"' in html


def test_the_payment_date_is_the_portals_today_when_utc_is_still_yesterday(client, finance):
    tranche = TrancheFactory(state=TrancheState.APPROVED)
    # 20:00 UTC on 30 June is already 04:00 on 1 July in Asia/Shanghai.
    evening_utc = datetime(2024, 6, 30, 20, 0, tzinfo=UTC)

    with mock.patch("django.utils.timezone.now", return_value=evening_utc):
        html = client.get(reverse("funding:tranche_detail", args=[tranche.pk])).content.decode()

    assert 'name="paid_on" value="2024-07-01"' in html


@pytest.mark.parametrize(
    ("language", "name", "unit"),
    [
        (
            "zh-hans",
            "公服设施补短板以奖代补（项目投资额不含政策处理费的50%）（第 1 版）",
            "600,000.00 元",
        ),
        (
            "en",
            "Gap filling, reward in place of subsidy (50% of the investment less the policy "
            "handling fee) (version 1)",
            "600,000.00 yuan",
        ),
    ],
)
def test_detail_names_the_policy_and_carries_the_unit(client, finance, language, name, unit):
    tranche = TrancheFactory(policy_snapshot={})

    response = client.get(
        reverse("funding:tranche_detail", args=[tranche.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    html = response.content.decode()

    assert name in html
    assert "gap-filling v1" not in html
    assert unit in html


def test_an_entered_amount_is_noted_as_a_code_and_read_in_each_language(client, finance):
    BudgetEnvelopeFactory(fiscal_year=2024)
    tranche = original_model_tranche()
    url = reverse("funding:tranche_detail", args=[tranche.pk])

    client.post(reverse("funding:tranche_amount", args=[tranche.pk]), {"amount": "900000"})

    assert tranche.events.get(to_state=TrancheState.DUE).comment == "amount_entered"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Amount entered: 900,000.00 yuan." in english
    assert "录入金额：900,000.00 元。" in chinese


@pytest.mark.parametrize(
    ("typed", "message"),
    [("-5", "金额必须大于零。"), ("99999999999", "单笔拨付金额最多为 100,000,000.00 元")],
)
def test_a_bad_amount_is_refused_with_the_value_kept(client, finance, typed, message):
    tranche = original_model_tranche()

    response = client.post(
        reverse("funding:tranche_amount", args=[tranche.pk]),
        {"amount": typed},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'value="{typed}"' in html
    tranche.refresh_from_db()
    assert tranche.amount == 0 and tranche.state == TrancheState.SCHEDULED


def test_a_refused_payment_keeps_the_voucher_and_date(client, finance):
    tranche = TrancheFactory(state=TrancheState.APPROVED, due_on=date(2024, 6, 1))

    response = client.post(
        reverse("funding:tranche_pay", args=[tranche.pk]),
        {"voucher_number": "PZ-77", "paid_on": "2024-05-01"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    html = response.content.decode()
    assert "cannot be before the tranche became due (2024-06-01)" in html
    assert 'value="PZ-77"' in html and 'value="2024-05-01"' in html
