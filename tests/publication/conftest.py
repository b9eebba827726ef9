"""A province (Sóc Trăng, 2008 list) whose office publishes 2024-Q4, and the people around it."""

import pytest

from cchc.accounts.models import Role
from cchc.dossiers.models import ReportStatus
from cchc.publication.services import public_page_set
from tests import factories

PROVINCE, DISTRICT = "94", "943"  # Sóc Trăng, Huyện Kế Sách
QUARTER = "2024-Q4"


def file(code: str, period: str = QUARTER, *, status: str = ReportStatus.APPROVED,
         submitted_at=None, **counts):
    """``code``'s report of ``period`` with one field's figures (``factories.figures``)."""
    return factories.report(factories.unit(code), period, status=status,
                            submitted_at=submitted_at,
                            lines={factories.field(): factories.figures(**counts)})


def in_time(early: int, on_time: int, late: int) -> dict:
    """Counts with the given resolved split, all received online, nothing pending."""
    resolved = early + on_time + late
    return {"received_total": resolved, "received_online": resolved, "received_in_person": 0,
            "received_postal": 0, "received_carried_over": 0, "resolved_total": resolved,
            "resolved_early": early, "resolved_on_time": on_time, "resolved_late": late,
            "pending_total": 0, "pending_in_time": 0, "pending_overdue": 0}


@pytest.fixture
def province(db):
    return factories.unit(PROVINCE)


@pytest.fixture
def office(db):
    """The provincial office's account, with a name and an e-mail that must never be public."""
    account = factories.user("nguyenvana", role=Role.PROVINCIAL_OFFICE, unit_code=PROVINCE)
    account.first_name, account.last_name = "Văn Ánh", "Nguyễn"
    account.email = "vananh.nguyen@soctrang.gov.vn"
    account.save()
    return account


@pytest.fixture
def admin_user(db):
    return factories.user("quantri", role=Role.ADMINISTRATOR)


@pytest.fixture
def public_page(office, province):
    return public_page_set(user=office, province=province, enabled=True)
