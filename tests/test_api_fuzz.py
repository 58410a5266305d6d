"""schemathesis against the API's own OpenAPI document (``/api/v1/openapi.json``): whatever
a client sends, what the document allows and much that it does not (negative cases: wrong
types, out-of-range numbers, missing or unknown fields), the answer is never a server error.

In-process through the WSGI app, as a staff member holding every role so the routes behind
a token are exercised too, over a commune with a consultation open for comments. Seeded
(``derandomize``) and small, so it runs in seconds on SQLite and PostgreSQL alike;
``CONSULT_FUZZ_EXAMPLES`` raises the number of cases per operation for a longer hunt.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from consult.db import write_session
from consult.models import Organization
from consult.permissions import ROLES
from consult.runtime import Runtime
from consult.services import users
from tests.helpers import PASSWORD, Api, post_draft, start

EXAMPLES = int(os.environ.get("CONSULT_FUZZ_EXAMPLES", "5"))


def staff_with_every_role(runtime: Runtime, commune: Organization, api: Api) -> dict[str, str]:
    with write_session(runtime.db) as session:
        users.create(
            session,
            username="kiemthu",
            password=PASSWORD,
            roles=list(ROLES),
            organization=session.merge(commune),
            now=runtime.now(),
        )
    return api.headers("kiemthu")


def test_no_request_the_document_describes_makes_the_api_fail(
    app: Flask, runtime: Runtime, commune: Organization, api: Api
) -> None:
    consultation_id = start(runtime, commune)
    post_draft(runtime, consultation_id)
    sent = api.client.post(
        f"/api/v1/consultations/{consultation_id}/comments", json={"body": "Nhất trí."}
    )
    assert sent.status_code == 201
    headers = staff_with_every_role(runtime, commune, api)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    cases = 0
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25

    def send(case: Any) -> None:
        nonlocal cases
        cases += 1
        request = f"{case.method} {case.formatted_path} query={case.query} body={case.body!r:.200}"
        try:
            response = case.call(headers=headers)
        except Exception as exc:  # what the app raised instead of answering
            failures.append(f"{request}: {type(exc).__name__}: {exc!s:.200}")
            return
        if response.status_code >= 500:
            failures.append(f"{request}: {response.status_code} {response.text:.200}")

    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    for operation in operations:
        # schemathesis' coverage cases: each bound and just past it, each type wrong, each
        # required field missing; deterministic, the ones random data rarely hits.
        for case in schema.iter_coverage_cases(
            operation, generation_modes=modes, generation_config=schema.config.generation
        ):
            send(case)
        for mode in modes:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                suppress_health_check=list(HealthCheck),
            )
            def probe(case: Any) -> None:
                send(case)

            try:
                probe()
            except Unsatisfiable:  # nothing to get wrong (no parameters, no body)
                assert mode is GenerationMode.NEGATIVE, operation.label
    print(f"{cases} cases over {len(operations)} operations, {len(failures)} server errors")
    assert not failures, "\n".join(failures)
