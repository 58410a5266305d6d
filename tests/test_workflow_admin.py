"""The workflow definitions in the administration: a diagram drawn on the server naming every
stage, and an uploaded definition checked before anything is enabled."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pytest
from flask.testing import FlaskClient

from consult.models import Organization
from consult.runtime import Runtime
from tests.helpers import csrf, login

BUNDLED = ["qcdc-co-quan", "qcdc-ubnd-xa"]


@pytest.mark.parametrize("workflow_id", BUNDLED)
def test_the_workflow_page_draws_every_stage_of_a_bundled_definition(
    client: FlaskClient, commune: Organization, runtime: Runtime, workflow_id: str
) -> None:
    login(client, "admin")
    page = client.get(f"/staff/admin/workflows/{workflow_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    found = re.search(r"<svg .*?</svg>", html, re.S)
    assert found is not None
    tree = ET.fromstring(found[0])  # well-formed SVG, nothing fetched from outside
    assert "href" not in found[0] and "<script" not in found[0]
    texts = [t.text or "" for t in tree.iter("{http://www.w3.org/2000/svg}text")]
    definition = runtime.catalog.get(workflow_id)
    for name, stage in definition.stages.items():
        assert stage.title in texts and name in texts, name
    for stage in definition.stages.values():
        for action in stage.actions.values():
            assert any(t.startswith(action.title) or action.title in t for t in texts), action.name
    assert any(t.startswith("▸ ") for t in texts)  # the windows an action opens


def test_a_drafter_cannot_open_the_definitions_page(
    client: FlaskClient, commune: Organization
) -> None:
    login(client, "tuphap")
    assert client.get("/staff/admin/workflows").status_code == 403


BROKEN = b"""id: qcdc-moi
version: 1
title: Quy trinh moi
initial: draft
stages:
  draft:
    title: Du thao
    actions:
      start_posting:
        title: Niem yet
        roles: [nobody]
        target: nowhere
"""


def test_an_invalid_upload_is_refused_with_its_line_numbered_errors_and_nothing_enabled(
    client: FlaskClient, commune: Organization, runtime: Runtime
) -> None:
    login(client, "admin")
    before = [d.id for d in runtime.catalog.all()]
    sent = client.post(
        "/staff/admin/workflows",
        data={
            "csrf_token": csrf(client, "/staff/admin/workflows"),
            "file": (io.BytesIO(BROKEN), "moi.yaml"),
        },
        content_type="multipart/form-data",
    )
    assert sent.status_code == 422
    html = sent.get_data(as_text=True)
    errors = re.findall(r"<li><code>(moi\.yaml:\d+: [^<]+)</code></li>", html)
    assert errors, html
    assert any(re.match(r"moi\.yaml:1[0-9]: ", e) for e in errors)  # the line of the role/target
    assert [d.id for d in runtime.catalog.all()] == before
    assert "qcdc-moi" not in client.get("/api/v1/workflows").get_data(as_text=True)

    not_yaml = client.post(
        "/staff/admin/workflows",
        data={
            "csrf_token": csrf(client, "/staff/admin/workflows"),
            "file": (io.BytesIO(b"a: [\n"), "x.yaml"),
        },
        content_type="multipart/form-data",
    )
    assert not_yaml.status_code == 422 and "x.yaml:" in not_yaml.get_data(as_text=True)


def test_a_valid_upload_is_shown_with_its_diagram_and_not_enabled(
    client: FlaskClient, commune: Organization, runtime: Runtime
) -> None:
    login(client, "admin")
    text = runtime.catalog.get("qcdc-ubnd-xa").source_text.replace(
        "id: qcdc-ubnd-xa", "id: qcdc-ubnd-xa-2", 1
    )
    sent = client.post(
        "/staff/admin/workflows",
        data={
            "csrf_token": csrf(client, "/staff/admin/workflows"),
            "file": (io.BytesIO(text.encode()), "qcdc-ubnd-xa-2.yaml"),
        },
        content_type="multipart/form-data",
    )
    assert sent.status_code == 200
    html = sent.get_data(as_text=True)
    assert "qcdc-ubnd-xa-2" in html and "<svg" in html
    assert "qcdc-ubnd-xa-2" not in [d.id for d in runtime.catalog.all()]
