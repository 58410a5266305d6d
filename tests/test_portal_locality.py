"""The citizens' form's "Other (write below)" village: the name typed travels with the opinion
to the staff's review, and choosing "Other" without a name is an error naming the field."""

from __future__ import annotations

from html import unescape

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select
from werkzeug.test import TestResponse

from consult.models import Comment, Organization
from consult.runtime import Runtime
from consult.web.forms import OTHER_LOCALITY
from tests.helpers import csrf, login, post_draft, start

BODY = "Đề nghị lắp đèn đường ở đoạn qua xóm Bến Đò."
VILLAGE = "Xóm Bến Đò (giáp xã Tân Lập)"


@pytest.fixture
def consultation_id(runtime: Runtime, commune: Organization) -> int:
    consultation_id = start(runtime, commune)
    post_draft(runtime, consultation_id)
    return consultation_id


def send(client: FlaskClient, consultation_id: int, step: str, other: str) -> TestResponse:
    path = f"/consultations/{consultation_id}/comment"
    return client.post(
        path,
        data={
            "csrf_token": csrf(client, path),
            "article": "",
            "body": BODY,
            "locality": OTHER_LOCALITY,
            "locality_other": other,
            "step": step,
        },
    )


def page(response: TestResponse) -> str:
    return unescape(response.get_data(as_text=True))


def stored(runtime: Runtime) -> list[Comment]:
    with Session(runtime.db) as session:
        return list(session.exec(select(Comment)))


def test_the_form_offers_other_with_a_field_for_its_name(
    client: FlaskClient, consultation_id: int
) -> None:
    form = page(client.get(f"/consultations/{consultation_id}/comment"))
    assert f'<option value="{OTHER_LOCALITY}">Nơi khác (ghi ở dưới)</option>' in form
    assert 'name="locality_other"' in form and "Thôn Đồng Bông" in form


def test_a_village_typed_under_other_is_previewed_stored_and_shown_to_the_reviewer(
    client: FlaskClient, runtime: Runtime, consultation_id: int
) -> None:
    preview = send(client, consultation_id, "preview", f"  {VILLAGE} ")
    assert preview.status_code == 200 and VILLAGE in page(preview)
    assert stored(runtime) == []

    sent = send(client, consultation_id, "send", f"  {VILLAGE} ")
    assert sent.status_code == 302 and "/receipts/" in sent.location
    (opinion,) = stored(runtime)
    assert (opinion.body, opinion.locality) == (BODY, VILLAGE)
    receipt = page(client.get(sent.location))
    assert VILLAGE not in receipt  # the public receipt shows no personal data

    login(client, "mttq")
    table = page(client.get(f"/staff/review/{consultation_id}"))
    assert VILLAGE in table  # in the opinion's row and in the count by village
    assert f'<tr data-locality="{VILLAGE}">' in table
    detail = page(client.get(f"/staff/review/opinions/{opinion.id}"))
    assert VILLAGE in detail


@pytest.mark.parametrize("step", ["preview", "send"])
def test_other_without_a_name_is_refused_naming_the_field_and_keeping_the_text(
    client: FlaskClient, runtime: Runtime, consultation_id: int, step: str
) -> None:
    refused = send(client, consultation_id, step, "   ")
    assert refused.status_code == 422
    html = page(refused)
    assert (
        '<p class="error" id="locality_other-error">Nơi khác: hãy ghi tên thôn, tổ dân phố, '
        "hoặc chọn một nơi trong danh sách ở trên.</p>"
    ) in html
    assert 'aria-invalid="true"' in html and BODY in html  # the opinion is given back
    assert stored(runtime) == []
