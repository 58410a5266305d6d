"""API bearer tokens: the header's form, and a revoked token answering 401 from then on."""

from __future__ import annotations

from flask.testing import FlaskClient

from consult.models import Organization
from tests.helpers import Api


def test_a_token_sent_in_another_scheme_is_refused_with_the_form_to_use(
    client: FlaskClient, commune: Organization
) -> None:
    for header in ("Basic dHVwaGFwOng=", "Bearer ", "Token abc"):
        refused = client.get("/api/v1/consultations", headers={"Authorization": header})
        assert refused.status_code == 401, header
        assert "Authorization: Bearer TOKEN" in refused.get_json()["error"]["message"]


def test_a_revoked_token_answers_401_and_other_tokens_keep_working(
    client: FlaskClient, commune: Organization, api: Api
) -> None:
    revoked, kept = api.headers("tuphap"), api.headers("tuphap")
    assert client.get("/api/v1/consultations", headers=revoked).status_code == 200
    assert client.delete("/api/v1/auth/token", headers=revoked).status_code == 204
    again = client.get("/api/v1/consultations", headers=revoked)
    assert again.status_code == 401 and again.get_json()["error"]["code"] == "unauthenticated"
    assert client.delete("/api/v1/auth/token", headers=revoked).status_code == 401
    assert client.get("/api/v1/consultations", headers=kept).status_code == 200


def test_revoking_needs_a_token(client: FlaskClient, commune: Organization) -> None:
    refused = client.delete("/api/v1/auth/token")
    assert refused.status_code == 401
    assert "POST /api/v1/auth/token" in refused.get_json()["error"]["message"]
