import pytest

SITE = "https://cchc.example.gov.vn"


@pytest.fixture(autouse=True)
def schedule(settings):
    """The documented defaults, whatever the environment of the test run says."""
    settings.CCHC_REMINDER_DAYS_BEFORE = [1, 3, 7]
    settings.CCHC_REMINDER_DAYS_AFTER = [1, 7, 14]
    settings.CCHC_SITE_URL = SITE
    settings.DEFAULT_FROM_EMAIL = "Báo cáo CCHC <cchc@example.gov.vn>"
