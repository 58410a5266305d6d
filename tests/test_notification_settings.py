"""Each staff member chooses which notices reach them, by e-mail and on the dashboard."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlmodel import Session, select

from consult.models import Organization, User
from consult.runtime import Runtime
from consult.services import notifications
from tests.helpers import TOKEN, login


def test_the_reviewer_turns_off_reminder_emails_and_keeps_them_on_the_dashboard(
    runtime: Runtime, commune: Organization, client: FlaskClient
) -> None:
    login(client, "mttq")
    page = client.get("/staff/notifications").get_data(as_text=True)
    assert page.count('type="checkbox"') == 2 * len(notifications.KINDS)
    assert 'name="reminder_3d-email" checked' in page

    token = TOKEN.search(page).group(1)
    choices = {f"{kind}-{way}": "on" for kind in notifications.KINDS for way in ("email", "in_app")}
    del choices["reminder_3d-email"]
    del choices["publish_due-in_app"]
    saved = client.post("/staff/notifications", data={"csrf_token": token, **choices})
    assert saved.status_code == 302

    with Session(runtime.db) as session:
        user = session.exec(select(User).where(User.username == "mttq")).one()
        chosen = {p.kind: p for p in notifications.preferences(session, user.id)}
    assert (chosen["reminder_3d"].email, chosen["reminder_3d"].in_app) == (False, True)
    assert (chosen["publish_due"].email, chosen["publish_due"].in_app) == (True, False)
    assert chosen["window_closed"].email and chosen["window_closed"].in_app

    page = client.get("/staff/notifications").get_data(as_text=True)
    assert 'name="reminder_3d-email" checked' not in page
    assert 'name="reminder_3d-in_app" checked' in page


def test_settings_need_a_login_and_a_csrf_token(commune: Organization, client: FlaskClient) -> None:
    assert client.get("/staff/notifications").status_code == 302
    login(client, "mttq")
    assert client.post("/staff/notifications", data={}).status_code == 400
