"""Every operation of the API driven from the OpenAPI description the app serves (schemathesis,
property-based through hypothesis), in process against Django's WSGI application and the test
database: as an administrator (with a token) and anonymously, on random parameters and on the
units and periods of the seeded data. No answer may be a server error, and every answer must
agree with the description: a documented status code, its content type, a body that matches
its schema.

A check that could not fail would prove nothing: ``test_a_wrong_description_is_caught`` feeds
the same driver a description with a deliberate error and expects it to be found.
"""

from __future__ import annotations

import copy
from collections import Counter

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import DISTRICT, INSIDE, PROVINCE, QUARTER, YEAR

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
#: Examples per operation and identity; with the seeded data, the whole run takes well under a
#: minute.
EXAMPLES = 30
#: Path parameters naming what the seeded data has: a commune, a district, a province.
KNOWN = [*({"unit_list": "2008", "code": code, "period": QUARTER, "year": YEAR}
           for code in (INSIDE, DISTRICT, PROVINCE)),
         {"unit_list": "2025", "code": "31552", "period": QUARTER, "year": YEAR}]
OPERATIONS = {"api_root", "units_list", "units_detail", "figures", "figures_below", "ranking",
              "par_result", "par_ranking", "periods_list", "periods_detail"}


@pytest.fixture
def app():
    """Django's WSGI application. Django closes the database connection when a request ends,
    which would end the test's transaction (and its data): like Django's test client, the
    connection is left open while the test runs."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(published):
    """Figures, a ranking, PAR results and a published quarter (tests/api/conftest.py)."""
    from tests import factories

    for code in ("2024-Q3", "2024", "2024-H1", "2025-Q3"):
        factories.period(code)
    return published


def drive(schema, headers: dict, examples: int = EXAMPLES, only: set | None = None,
          mode: GenerationMode = GenerationMode.POSITIVE) -> Counter:
    """Run every operation of ``schema`` (or those in ``only``) on ``examples`` generated
    requests each: any parameters, or those of the seeded data (with the first page, where a
    random page number would mostly be past the last one); return how many answers each
    (operation, status) had. A failed check raises."""
    seen: Counter = Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        if only is not None and operation.definition.raw["operationId"] not in only:
            continue
        if mode == GenerationMode.NEGATIVE and not list(operation.iter_parameters()):
            continue  # nothing to get wrong
        names = {parameter.name for parameter in operation.path_parameters}
        paged = any(parameter.name == "page" for parameter in operation.query)
        strategies = [operation.as_strategy(mode)]
        for known in KNOWN if names or paged else []:
            strategies.append(operation.as_strategy(
                mode, path_parameters={name: known[name] for name in names} or None,
                query={"page": 1} if paged else None))

        @settings(max_examples=examples, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=st.one_of(strategies))
        def run(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)
            seen[(case.operation.label, response.status_code)] += 1

        run()
    return seen


def load(app, raw: dict | None = None):
    if raw is None:
        return schemathesis.openapi.from_wsgi(reverse("api:schema"), app)
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = app
    return schema


def operation_ids(schema) -> set[str]:
    return {result.ok().definition.raw["operationId"] for result in schema.get_all_operations()}


def test_the_description_covers_every_operation(app):
    schema = load(app)
    assert operation_ids(schema) == OPERATIONS
    assert {result.ok().method for result in schema.get_all_operations()} == {"get"}


def test_every_operation_answers_as_described(app, seeded, tokens, capsys):
    schema = load(app)
    admin = {"Authorization": f"Token {tokens['admin']}"}
    statistics = {}
    for who, headers, mode in (("admin", admin, GenerationMode.POSITIVE),
                               ("anonymous", {}, GenerationMode.POSITIVE),
                               ("admin, invalid input", admin, GenerationMode.NEGATIVE)):
        seen = statistics[who] = drive(schema, headers, mode=mode)
        assert not any(status >= 500 for _label, status in seen)
        if mode == GenerationMode.POSITIVE:
            # Every operation was exercised, and answered 200 at least once: not only refusals.
            operations = {label for label, _status in seen}
            assert len(operations) == len(OPERATIONS), operations
            answered = {label for label, status in seen if status == 200}
            assert answered == operations, operations - answered
    # Anonymous: refusals too (Thanh Hóa, unpublished periods), never a live figure.
    assert any(status == 401 for _label, status in statistics["anonymous"])
    assert any(status == 400 for _label, status in statistics["admin, invalid input"])
    with capsys.disabled():
        for who, seen in statistics.items():
            by_status = Counter()
            for (_label, status), count in seen.items():
                by_status[status] += count
            print(f"\nschemathesis, {who}: {len({label for label, _s in seen})} operations, "
                  f"{sum(seen.values())} requests, by status {dict(sorted(by_status.items()))}")


def test_a_wrong_description_is_caught(app, seeded, tokens):
    """The same driver, given a description that lies, fails: once for a body that does not
    match its schema, once for a status code the description does not list."""
    raw = load(app).raw_schema
    headers = {"Authorization": f"Token {tokens['admin']}"}

    lying_body = copy.deepcopy(raw)
    lying_body["components"]["schemas"]["Figures"]["properties"]["has_figures"] = {
        "type": "string"}
    with pytest.raises(FailureGroup, match="Response violates schema") as caught:
        drive(load(app, lying_body), headers, examples=10, only={"figures"})
    assert "/components/schemas/Figures/properties/has_figures" in str(caught.value)

    no_404 = copy.deepcopy(raw)
    for path in no_404["paths"].values():
        path["get"]["responses"].pop("404", None)
    with pytest.raises(FailureGroup, match="Undocumented status code"):
        drive(load(app, no_404), headers, examples=10, only={"units_detail"})
