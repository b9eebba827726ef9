"""Accounts of every role with API tokens, figures inside and outside their scope, PAR results,
and (when asked) Sóc Trăng's public page with its 2024-Q4 ranking published."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token

from cchc.accounts.models import Role
from cchc.publication.services import public_page_set, ranking_publish
from cchc.scores.models import AssessmentStatus
from cchc.scores.services import results_publish
from tests import factories
from tests.scores.test_results import assess, scheme

INSIDE, NEIGHBOUR, OUTSIDE = "31564", "31552", "15412"  # An Mỹ, Nhơn Mỹ (Kế Sách), Thanh Hóa
DISTRICT, PROVINCE = "943", "94"  # Huyện Kế Sách, Sóc Trăng
QUARTER, PREVIOUS, YEAR = "2024-Q4", "2024-Q3", 2024
ROLES = ("anonymous", "staff", "reviewer", "office", "national", "admin")


def in_time(early: int, on_time: int, late: int, pending: int = 0) -> dict:
    """Counts with the given resolved split, all received online."""
    resolved = early + on_time + late
    return factories.figures(
        received_total=resolved + pending, received_online=resolved + pending,
        received_in_person=0, received_postal=0, received_carried_over=0,
        resolved_total=resolved, resolved_early=early, resolved_on_time=on_time,
        resolved_late=late, pending_total=pending, pending_in_time=pending, pending_overdue=0)


def file(code: str, period: str, counts: dict, unit_list: str = factories.BEFORE):
    return factories.report(factories.unit(code, unit_list), period,
                            lines={factories.field(): counts})


class Api:
    """GETs with a token (or none), answered as JSON."""

    def __init__(self, client, tokens: dict[str, str]):
        self.client, self.tokens = client, tokens

    def get(self, path: str, who: str = "admin", **params):
        headers = {} if who == "anonymous" else {"Authorization": f"Token {self.tokens[who]}"}
        return self.client.get(path, params, headers=headers)


@pytest.fixture
def users(db):
    district = factories.unit(INSIDE).parent
    assert district.code == DISTRICT
    return {
        "staff": factories.user("xa", unit_code=INSIDE),
        "reviewer": factories.user("huyen", role=Role.REVIEWER, unit_code=DISTRICT),
        "office": factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code=PROVINCE),
        "national": factories.user("bo", role=Role.NATIONAL),
        "admin": factories.user("quantri", role=Role.ADMINISTRATOR),
    }


@pytest.fixture
def tokens(users):
    return {role: Token.objects.create(user=user).key for role, user in users.items()}


@pytest.fixture
def api(client, tokens):
    return Api(client, tokens)


@pytest.fixture
def world(users):
    """Two quarters of approved figures for three communes of Kế Sách and one of Thanh Hóa;
    PAR results of 2024 for Kế Sách's communes (two published, one not) and Thanh Hóa's."""
    for code, split in ((INSIDE, (50, 35, 5)), (NEIGHBOUR, (40, 40, 20)), ("31555", (60, 30, 0)),
                        (OUTSIDE, (10, 10, 10))):
        file(code, QUARTER, in_time(*split, pending=4))
    for code, split in ((INSIDE, (20, 20, 20)), (NEIGHBOUR, (50, 50, 0))):
        file(code, PREVIOUS, in_time(*split))
    made = scheme(YEAR)
    assess(made, INSIDE, {"1.1": (30, 28), "1.2": (25, 20), "2": (None, Decimal("30.5"))})
    assess(made, NEIGHBOUR, {"1.1": (20, 20), "1.2": (20, 20), "2": (None, 20)})
    results_publish(user=users["admin"], scheme=made, parent=factories.unit(DISTRICT))
    assess(made, "31555", {"1.1": (30, 30), "1.2": (30, 30), "2": (None, 40)},
           status=AssessmentStatus.APPRAISED)
    assess(made, OUTSIDE, {"1.1": (10, 10)})
    return made


@pytest.fixture
def published(world, users):
    """Sóc Trăng's public page on, its 2024-Q4 ranking published."""
    province = factories.unit(PROVINCE)
    public_page_set(user=users["office"], province=province, enabled=True)
    return ranking_publish(user=users["office"], province=province,
                           period=factories.period(QUARTER))
