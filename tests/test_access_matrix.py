"""Every URL of the app × every role × a unit inside and outside the user's scope.

The URLs are discovered from the URLconf, not listed by hand: a new URL without an entry in
``EXPECTED`` fails ``test_every_url_has_an_entry``. Each entry gives, per role, the status of a
GET for a unit inside the role's scope (Xã An Mỹ, Kế Sách, Sóc Trăng) and for one outside it
(Thị trấn Quý Lộc in Thanh Hóa). 302 for anonymous visitors is the redirect to the login
page; 404 for a unit outside one's scope (its existence is not revealed); 403 for a page of
one's own unit that one's role may not use.
"""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from cchc.accounts.models import Role
from cchc.dossiers.models import ReportStatus
from cchc.jobs.models import Job, JobStatus
from cchc.scores.models import ParAssessment, ParEvidence, ParScore
from tests import factories
from tests.scores.test_results import scheme

pytestmark = pytest.mark.django_db

INSIDE, OUTSIDE = "31564", "15412"  # Xã An Mỹ (Sóc Trăng), a commune of Thanh Hóa
PERIOD, YEAR = "2024-Q4", 2024
ROLES = ("anonymous", "staff", "reviewer", "office", "national", "admin")


def row(*statuses: str) -> dict[str, str]:
    """Statuses in the order of ``ROLES``: "inside/outside", or one status for URLs without a
    unit. Anonymous visitors are always sent to the login page (302)."""
    return dict(zip(ROLES, statuses, strict=True))


EXPECTED: dict[str, dict[str, str]] = {
    "dossiers:completeness": row("302/302", "200/404", "200/404", "200/404", "200/200", "200/200"),
    # POSTed empty, like the review: only the approver and administrators are answered (302
    # back to the report, no flag named); everyone else is refused first.
    "dossiers:flag_check": row("302/302", "403/404", "302/404", "403/404", "403/403",
                               "302/302"),
    # POSTed empty (a form of zeros): whoever may enter the unit's figures gets the JSON answer.
    "dossiers:outlier_check": row("302/302", "200/404", "403/404", "200/404", "403/403",
                                  "200/200"),
    # POSTed empty: nothing chosen, back to the inbox with a message; only reports and flags
    # awaiting the user's own review could ever be approved or checked there.
    "dossiers:bulk_approve": row("302", "302", "302", "302", "302", "302"),
    "dossiers:bulk_flag_check": row("302", "302", "302", "302", "302", "302"),
    "dossiers:history": row("302/302", "200/404", "200/404", "200/404", "200/200", "200/200"),
    "dossiers:inbox": row("302", "200", "200", "200", "200", "200"),
    "dossiers:report": row("302/302", "200/404", "200/404", "200/404", "200/200", "200/200"),
    # POSTed empty: only the approver (the district before 2025) and administrators get as far as
    # the form (302 back with a message); everyone else is refused before anything is read.
    "dossiers:review": row("302/302", "403/404", "302/404", "403/404", "403/403", "302/302"),
    # POSTed empty, like the review: the approver and administrators get a message (reason
    # missing); everyone else is refused first.
    "dossiers:reopen": row("302/302", "403/404", "302/404", "403/404", "403/403", "302/302"),
    # POSTed empty: whoever may enter the unit's figures is told to give a reason.
    "dossiers:reopen_request": row("302/302", "302/404", "403/404", "302/404", "403/403",
                                   "302/302"),
    "dossiers:template": row("302/302", "200/404", "200/404", "200/404", "200/200", "200/200"),
    # National bodies read everything and change nothing.
    "dossiers:upload": row("302", "200", "200", "200", "403", "200"),
    "dossiers:upload_confirm": row("302", "302", "302", "302", "403", "302"),
    # The entry form's "stay signed in": any signed-in user renews their own session.
    "dossiers:keep_alive": row("302", "200", "200", "200", "200", "200"),
    # Everyone but administrators lands on their own page.
    "home": row("302", "302", "302", "302", "302", "200"),
    "login": row("200", "200", "200", "200", "200", "200"),
    "logout": row("302", "302", "302", "302", "302", "302"),
    "quality:data_quality": row("302/302", "200/404", "200/404", "200/404", "200/200",
                                "200/200"),
    # The public results page needs no login. Its pages name a province whose page is on:
    # for a commune's code (and with no page on) they answer 404 to everyone.
    "public:index": row("200", "200", "200", "200", "200", "200"),
    "public:par": row("404/404", "404/404", "404/404", "404/404", "404/404", "404/404"),
    "public:par_csv": row("404/404", "404/404", "404/404", "404/404", "404/404", "404/404"),
    "public:province": row("404/404", "404/404", "404/404", "404/404", "404/404", "404/404"),
    "public:ranking": row("404/404", "404/404", "404/404", "404/404", "404/404", "404/404"),
    "public:ranking_csv": row("404/404", "404/404", "404/404", "404/404", "404/404",
                              "404/404"),
    # Publishing: the province's office and administrators, for a province only; anyone else
    # who sees the unit is refused (403), and a commune has nothing to publish (404).
    "publication:publish": row("302/302", "403/404", "403/404", "403/404", "403/403",
                               "404/404"),
    "publication:settings": row("302/302", "403/404", "403/404", "403/404", "403/403",
                                "404/404"),
    "publication:withdraw": row("302/302", "403/404", "403/404", "403/404", "403/403",
                                "404/404"),
    # Only one's own reminders are listed: every signed-in user.
    # POSTed: reminding the units not sent is for approving offices and administrators
    # (access.can_send_reminders); unit staff and national bodies are refused.
    "reminders:remind_unsent": row("302/302", "403/404", "302/404", "302/404", "403/403",
                                   "302/302"),
    "reminders:mine": row("302", "200", "200", "200", "200", "200"),
    "reports:dashboard": row("302/302", "200/404", "200/404", "200/404", "200/200", "200/200"),
    "reports:national_csv": row("302/302", "404/404", "404/404", "404/404", "200/200", "200/200"),
    "reports:national_home": row("302", "404", "404", "404", "200", "200"),
    "reports:national_ranking": row("302/302", "404/404", "404/404", "404/404", "200/200",
                                    "200/200"),
    "reports:ranking": row("302/302", "200/404", "200/404", "200/404", "200/200", "200/200"),
    "reports:summary_csv": row("302/302", "200/404", "200/404", "200/404", "200/200", "200/200"),
    "reports:summary_xlsx": row("302/302", "200/404", "200/404", "200/404", "200/200", "200/200"),
    "satisfaction:results": row("302/302", "200/404", "200/404", "200/404", "200/200", "200/200"),
    # Imports: the provincial office of the unit's province and administrators; refused before
    # the file is read.
    "satisfaction:upload": row("302/302", "403/404", "403/404", "302/404", "403/403", "302/302"),
    # The council (the provincial office issuing the scheme) and administrators; Thanh Hóa's
    # unit has no scheme here, so 404 even for them.
    "scores:appraisal": row("302/302", "403/404", "403/404", "200/404", "403/404", "200/404"),
    "scores:evidence": row("302/302", "200/404", "200/404", "200/404", "200/200", "200/200"),
    "scores:publish": row("302/302", "403/404", "403/404", "302/404", "403/404", "302/404"),
    "scores:ranking": row("302/302", "200/404", "200/404", "200/404", "200/200", "200/200"),
    "scores:ranking_csv": row("302/302", "200/404", "200/404", "200/404", "200/200", "200/200"),
    "scores:ranking_xlsx": row("302/302", "200/404", "200/404", "200/404", "200/200", "200/200"),
    "scores:result": row("302/302", "200/404", "200/404", "200/404", "200/200", "200/200"),
    "scores:self_assessment": row("302/302", "200/404", "403/404", "200/404", "403/404", "200/404"),
    "scores:survey_upload": row("302/302", "403/404", "403/404", "302/404", "403/404", "302/404"),
    "service_index:ranking": row("302/302", "200/404", "200/404", "200/404", "200/200", "200/200"),
    "service_index:unit": row("302/302", "200/404", "200/404", "200/404", "200/200", "200/200"),
    "service_index:upload": row("302/302", "403/404", "403/404", "302/404", "403/403", "302/302"),
    "set_language": row("302", "302", "302", "302", "302", "302"),
    "units:browser": row("302", "200", "200", "200", "200", "200"),
    # Jobs: one's own list; a job is seen by who started it (the clerk's job "inside", the
    # national body's "outside") and by administrators; anyone else gets 404.
    "jobs:list": row("302", "200", "200", "200", "200", "200"),
    "jobs:detail": row("302/302", "200/404", "404/404", "404/404", "404/200", "200/200"),
    "jobs:progress": row("302/302", "200/404", "404/404", "404/404", "404/200", "200/200"),
    # The file a job produced: none here (checks produce none), so 404 even for the owner.
    "jobs:output": row("302/302", "404/404", "404/404", "404/404", "404/404", "404/404"),
    # The official unit lists are public reference data for every signed-in user.
    "units:detail": row("302/302", "200/200", "200/200", "200/200", "200/200", "200/200"),
    # A unit's reports of every quarter: who may read its reports (access.get_unit_for_user).
    "units:reports": row("302/302", "200/404", "200/404", "200/404", "200/200", "200/200"),
}


def discovered() -> dict[str, str]:
    """Every named URL of the app (the admin aside: Django's own, staff only; the API aside:
    its own matrix) -> its pattern."""
    found = {}

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(n for n in (namespace, pattern.namespace) if n)
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif pattern.name:
                found[":".join(n for n in (namespace, pattern.name) if n)] = \
                    prefix + str(pattern.pattern)

    walk(get_resolver().url_patterns)
    # The API answers 401/404 in JSON, not the login redirect: its own matrix is
    # tests/api/test_scoping.py.
    return {name: route for name, route in found.items()
            if not name.startswith(("admin:", "api:"))}


def arguments(route: str, code: str, evidence: dict) -> list:
    """The URL's arguments, in order, for the unit ``code``."""
    values = {"unit_list": "2008", "code": code, "period": PERIOD, "year": YEAR,
              "pk": evidence[code]}
    return [values[name] for name in re.findall(r"<(?:\w+:)?(\w+)>", route)]


@pytest.fixture
def world():
    """Accounts of every role, figures inside and outside, and an evidence file on each side."""
    district = factories.unit(INSIDE).parent
    users = {
        "staff": factories.user("xa", unit_code=INSIDE),
        "reviewer": factories.user("huyen", role=Role.REVIEWER, unit_code=district.code),
        "office": factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94"),
        "national": factories.user("bo", role=Role.NATIONAL),
        "admin": factories.user("quantri", role=Role.ADMINISTRATOR),
    }
    for code in (INSIDE, OUTSIDE):  # sent, waiting for review
        factories.report(factories.unit(code), PERIOD, status=ReportStatus.SUBMITTED,
                         submitted_at=timezone.now())
    made = scheme()
    evidence = {}
    for code in (INSIDE, OUTSIDE):
        assessment = ParAssessment.objects.create(scheme=made, unit=factories.unit(code))
        score = ParScore.objects.create(assessment=assessment,
                                        criterion=made.criteria.get(code="1.1"), self_score=10)
        file = ParEvidence(score=score, original_name="kh.pdf", size=8,
                           content_type="application/pdf", uploaded_by=users["staff"])
        file.file.save("kh.pdf", ContentFile(b"%PDF-1.4"), save=True)
        evidence[code] = file.pk
    # A job on each side, numbered like the evidence files (the routes' <pk>).
    for code, owner in ((INSIDE, users["staff"]), (OUTSIDE, users["national"])):
        Job.objects.create(pk=evidence[code], kind="dossiers.check", user=owner,
                           status=JobStatus.DONE, result={"plans": [], "submit": False,
                                                          "reason": "", "refused": 0})
    return users, evidence


def observe(client, users, evidence) -> dict[str, dict[str, str]]:
    """Status per URL and role ("inside/outside"). A URL that refuses GET (405) is a form's
    target: it is POSTed to, empty, which must still be refused or answered by scope."""
    observed = {}
    for name, route in sorted(discovered().items()):
        observed[name] = {}
        urls = [reverse(name, args=arguments(route, code, evidence) if code else [])
                for code in ((INSIDE, OUTSIDE) if "<" in route else (None,))]
        client.force_login(users["admin"])
        method = client.post if client.get(urls[0]).status_code == 405 else client.get
        for role in ROLES:
            client.logout()
            if role != "anonymous":
                client.force_login(users[role])
            observed[name][role] = "/".join(str(method(url).status_code) for url in urls)
    return observed


def test_every_url_has_an_entry():
    missing = sorted(set(discovered()) - set(EXPECTED))
    assert not missing, f"URLs without an entry in the access matrix: {missing}"
    assert not set(EXPECTED) - set(discovered()), "entries for URLs that no longer exist"


def test_every_role_gets_what_the_matrix_says(client, world):
    users, evidence = world
    observed = observe(client, users, evidence)
    wrong = {f"{name} as {role}: expected {EXPECTED[name][role]}, got {got}"
             for name, row in observed.items() for role, got in row.items()
             if name in EXPECTED and EXPECTED[name][role] != got}
    assert not wrong, "\n".join(sorted(wrong))
