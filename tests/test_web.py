"""The server-rendered pages, driven through Flask's test client with CSRF on.

Each form's token is read from the page, as a browser would; one test proves a POST without
it is refused.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskClient
from sqlmodel import Session, select
from werkzeug.security import generate_password_hash

from consult.db import write_session
from consult.models import Consultation, Document, Organization, User
from consult.runtime import Runtime
from tests.helpers import (
    PASSWORD,
    TOKEN,
    WINDOW_ENDS,
    Clock,
    comments_of,
    csrf,
    login,
    start,
    take,
    text,
)


def comment(client: FlaskClient, consultation_id: int, body: str, **fields: str) -> tuple[int, str]:
    """Send an opinion through the public form; the status and the receipt code (if any)."""
    path = f"/consultations/{consultation_id}/comment"
    data = {"csrf_token": csrf(client, path), "body": body, "article": "", "locality": ""}
    data.update(fields)
    response = client.post(path, data=data)
    code = response.location.rsplit("/", 1)[-1] if response.status_code == 302 else ""
    return response.status_code, code


# --- login ---------------------------------------------------------------------------------


def test_staff_member_logs_in_and_out(client: FlaskClient, open_id: int) -> None:
    token = csrf(client, "/login")
    wrong = client.post(
        "/login", data={"csrf_token": token, "username": "tuphap", "password": "sai-mat-khau"}
    )
    assert wrong.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu." in text(wrong)

    right = client.post(
        "/login", data={"csrf_token": token, "username": "tuphap", "password": PASSWORD}
    )
    assert right.status_code == 302 and right.location.endswith("/staff/")
    desk = client.get("/staff/")
    assert desk.status_code == 200
    assert "Nguyễn Thị Hoa" in text(desk)

    logout = client.post("/logout", data={"csrf_token": csrf(client, "/staff/")})
    assert logout.status_code == 302
    assert client.get("/staff/").status_code == 302


def test_login_goes_back_to_a_local_page_only(client: FlaskClient, commune: Organization) -> None:
    token = csrf(client, "/login?next=/staff/consultations/new")
    data = {"csrf_token": token, "username": "tuphap", "password": PASSWORD}
    local = client.post("/login", data={**data, "next": "/staff/consultations/new"})
    assert local.location.endswith("/staff/consultations/new")
    client.post("/logout", data={"csrf_token": token})
    for outside in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client.post("/login", data={**data, "next": outside})
        assert response.location.endswith("/staff/"), outside
        client.post("/logout", data={"csrf_token": token})


def test_a_post_without_the_csrf_token_is_refused(
    client: FlaskClient, runtime: Runtime, open_id: int
) -> None:
    response = client.post("/login", data={"username": "tuphap", "password": PASSWORD})
    assert response.status_code == 400
    body = "Ý kiến gửi từ một biểu mẫu đã hết hạn."
    response = client.post(f"/consultations/{open_id}/comment", data={"body": body})
    assert response.status_code == 400
    assert body in text(response)  # the form comes back with the text, not an error page
    assert "thiếu mã bảo mật" in text(response)
    assert comments_of(runtime, open_id) == []


# --- citizens ----------------------------------------------------------------------------------


def test_citizen_comments_on_an_article_and_sees_the_receipt(
    client: FlaskClient, runtime: Runtime, open_id: int
) -> None:
    page = client.get(f"/consultations/{open_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="dieu-3"' in html
    assert f"/consultations/{open_id}/comment?article=3" in html
    assert "Hạn chót: 24:00 ngày 21/03/2024 (giờ Việt Nam)" in text(client.get("/"))
    assert "Đến 24:00 ngày 21/03/2024, giờ Việt Nam" in text(page)

    form = client.get(f"/consultations/{open_id}/comment?article=3").get_data(as_text=True)
    assert re.search(r'<option selected value="3">|<option value="3" selected>', form)
    assert "ẩn danh" in form and "không bao giờ được công khai" in form

    status, code = comment(
        client,
        open_id,
        "Đề nghị công khai dự toán ngân sách tại nhà văn hóa thôn.",
        article="3",
        author_name="Trần Thị Mai",
        locality="Thôn Đồng Bông",
        contact="0912 345 678",
    )
    assert status == 302 and re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    receipt = client.get(f"/receipts/{code}")
    assert receipt.status_code == 200
    shown = text(receipt)
    assert code in shown and "Đã tiếp nhận" in shown and "Điều 3" in shown
    assert "Trần Thị Mai" not in shown and "0912" not in shown

    [stored] = comments_of(runtime, open_id)
    assert stored.author_name == "Trần Thị Mai"
    assert stored.locality == "Thôn Đồng Bông"
    assert stored.channel == "online" and stored.article_id is not None


def test_receipt_lookup_accepts_the_code_as_people_type_it(
    client: FlaskClient, open_id: int
) -> None:
    _status, code = comment(client, open_id, "Ý kiến chung về dự thảo.")
    typed = code.replace("-", "").lower()
    found = client.get(f"/receipts?code={typed}")
    assert found.status_code == 302 and found.location.endswith(f"/receipts/{code}")
    missing = client.get("/receipts?code=ZZZZ-ZZZZ")
    assert missing.status_code == 404
    assert "kiểm tra lại mã" in text(missing)


def test_anonymous_opinion_is_marked_for_staff_and_no_name_is_ever_public(
    client: FlaskClient, runtime: Runtime, clock: Clock, open_id: int
) -> None:
    comment(client, open_id, "Ý kiến không ký tên về Điều 1.", article="1")
    comment(
        client,
        open_id,
        "Ý kiến có ký tên về Điều 2.",
        article="2",
        author_name="Lê Văn Hùng",
        locality="Thôn Khuôn Mạ",
        contact="hung@example.vn",
    )
    login(client, "tuphap")  # the committee answers (Art. 28)
    listing = text(client.get(f"/staff/consultations/{open_id}/comments", follow_redirects=True))
    assert "Ẩn danh" in listing
    assert "Lê Văn Hùng" in listing and "hung@example.vn" in listing

    # Give every opinion a response, close the window, submit the synthesis: now published.
    for row in comments_of(runtime, open_id):
        token = csrf(client, f"/staff/comments/{row.id}/review")
        client.post(
            f"/staff/comments/{row.id}/review",
            data={"csrf_token": token, "disposition": "accepted", "response": "Xin tiếp thu."},
        )
    clock.set(WINDOW_ENDS)
    runtime.engine.reconcile(runtime.db, clock())
    take(runtime, open_id, "submit_synthesis", "mttq", {"summary": "Đã tiếp thu 2 ý kiến."})
    client.post("/logout", data={"csrf_token": csrf(client, "/staff/")})

    public = text(client.get(f"/consultations/{open_id}"))
    assert "Xin tiếp thu." in public and "Ý kiến có ký tên về Điều 2." in public
    assert "Đã tiếp thu 2 ý kiến." in public
    for private in ("Lê Văn Hùng", "hung@example.vn", "Thôn Khuôn Mạ"):
        assert private not in public
        assert private not in text(client.get("/"))
        for row in comments_of(runtime, open_id):
            assert private not in text(client.get(f"/receipts/{row.receipt}"))


def test_late_comment_keeps_the_text_and_stores_nothing(
    client: FlaskClient, runtime: Runtime, clock: Clock, open_id: int
) -> None:
    path = f"/consultations/{open_id}/comment"
    token = csrf(client, path)  # the form was opened in time…
    clock.set(WINDOW_ENDS)  # …and sent one second too late
    body = "Đề nghị kéo dài thời gian niêm yết tại nhà văn hóa thôn Trại Nhất."
    response = client.post(path, data={"csrf_token": token, "body": body, "article": ""})
    assert response.status_code == 409
    page = text(response)
    assert body in page
    assert "24:00 ngày 21/03/2024" in page
    assert comments_of(runtime, open_id) == []
    assert client.get(path).status_code == 409


def test_honeypot_filled_by_a_bot_stores_nothing(
    client: FlaskClient, runtime: Runtime, open_id: int
) -> None:
    status, _code = comment(client, open_id, "Mua thuốc giá rẻ", website="http://spam.example")
    assert status == 400
    assert comments_of(runtime, open_id) == []


def test_user_text_is_escaped_everywhere(
    client: FlaskClient, runtime: Runtime, open_id: int
) -> None:
    attack = "<script>alert(1)</script>\nDòng thứ hai"
    _status, code = comment(client, open_id, attack, author_name="<b>Kẻ xấu</b>")
    receipt = client.get(f"/receipts/{code}").get_data(as_text=True)
    assert "<script>alert(1)" not in receipt
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>" in receipt
    login(client, "mttq")
    listing = client.get(
        f"/staff/consultations/{open_id}/comments", follow_redirects=True
    ).get_data(as_text=True)
    assert "<script>alert(1)" not in listing and "&lt;script&gt;" in listing
    assert "<b>Kẻ xấu</b>" not in listing and "&lt;b&gt;Kẻ xấu&lt;/b&gt;" in listing


def test_draft_in_preparation_is_not_public(
    client: FlaskClient, runtime: Runtime, commune: Organization
) -> None:
    draft_id = start(runtime, commune, title="Dự thảo nội bộ")
    assert client.get(f"/consultations/{draft_id}").status_code == 404
    assert client.get(f"/consultations/{draft_id}/comment").status_code == 404
    assert "Dự thảo nội bộ" not in text(client.get("/"))


# --- language ------------------------------------------------------------------------------


def test_vietnamese_first_and_english_on_request(client: FlaskClient, open_id: int) -> None:
    home = client.get("/")
    assert '<html lang="vi">' in home.get_data(as_text=True)
    assert "Góp ý vào dự thảo quy chế" in text(home)
    switch = client.get("/lang/en?next=/")
    assert switch.status_code == 302 and "lang=en" in switch.headers["Set-Cookie"]
    english = client.get("/")
    assert '<html lang="en">' in english.get_data(as_text=True)
    page = text(english)
    assert "Have your say on draft regulations" in page
    assert "24:00 on 21/03/2024" in page
    assert "Góp ý vào dự thảo quy chế" not in page
    client.get("/lang/vi?next=/")
    assert '<html lang="vi">' in client.get("/").get_data(as_text=True)
    assert client.get("/lang/en?next=https://evil.example/").location == "/"


# --- staff access ------------------------------------------------------------------------------


def test_staff_pages_send_anonymous_visitors_to_login(client: FlaskClient, open_id: int) -> None:
    for path in (
        "/staff/",
        f"/staff/consultations/{open_id}",
        f"/staff/consultations/{open_id}/comments",
        f"/staff/consultations/{open_id}/actions/start_posting",
        "/staff/consultations/new",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login?next=" in response.location, path


def test_roles_are_checked_on_every_staff_page(
    client: FlaskClient, runtime: Runtime, commune: Organization, open_id: int
) -> None:
    comment(client, open_id, "Ý kiến để kiểm tra quyền.")
    [row] = comments_of(runtime, open_id)
    login(client, "vanthu")  # the records office: reads, but neither reviews nor drafts
    assert client.get(f"/staff/consultations/{open_id}").status_code == 200
    assert client.get(f"/staff/comments/{row.id}/review").status_code == 403
    assert client.get(f"/staff/consultations/{open_id}/opinions/new").status_code == 403
    assert client.get("/staff/consultations/new").status_code == 403
    refused = client.get(f"/staff/consultations/{open_id}/actions/extend_window")
    assert refused.status_code == 403
    assert client.get(f"/staff/consultations/{open_id}/actions/issue_decision").status_code == 409
    assert client.get(f"/staff/consultations/{open_id}/actions/nothing").status_code == 404
    token = csrf(client, f"/staff/consultations/{open_id}")
    posted = client.post(
        f"/staff/comments/{row.id}/review", data={"csrf_token": token, "disposition": "accepted"}
    )
    assert posted.status_code == 403
    assert comments_of(runtime, open_id)[0].disposition is None
    client.post("/logout", data={"csrf_token": token})

    with write_session(runtime.db) as session:
        session.add(
            User(
                username="khach",
                full_name="Khách",
                password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"),
                created_at=runtime.now(),
            )
        )
    login(client, "khach")  # an account without any role in any commune
    assert client.get("/staff/").status_code == 403


# --- staff work ------------------------------------------------------------------------------


ARTICLES_TEXT = """Chương I. QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Quy chế này quy định việc thực hiện dân chủ trong hoạt động của UBND xã.

Điều 2. Đối tượng áp dụng
Công dân cư trú trên địa bàn xã.
Chương II. NỘI DUNG
Điều 3. Những nội dung công khai
Dự toán, quyết toán ngân sách xã.
"""


def test_drafter_starts_a_consultation_and_posts_it_through_forms(
    client: FlaskClient, runtime: Runtime, commune: Organization
) -> None:
    login(client, "tuphap")
    token = csrf(client, "/staff/consultations/new")
    created = client.post(
        "/staff/consultations/new",
        data={
            "csrf_token": token,
            "workflow": "qcdc-ubnd-xa",
            "title": "Quy chế thực hiện dân chủ xã Đông Sơn",
            "summary": "Lấy ý kiến Nhân dân.",
            "articles": ARTICLES_TEXT,
        },
    )
    assert created.status_code == 302
    consultation_id = int(created.location.rstrip("/").rsplit("/", 1)[-1])
    page = client.get(created.location)
    assert "Dự thảo" in text(page) and "Điều 3" in text(page)
    assert "Ban hành kế hoạch và niêm yết dự thảo" in text(page)

    action = f"/staff/consultations/{consultation_id}/actions/start_posting"
    form = client.get(action).get_data(as_text=True)
    assert 'value="2024-03-01"' in form  # today, prefilled
    assert "Trụ sở Ủy ban nhân dân xã Đông Sơn\nCổng thông tin điện tử" in form

    # Too short a window: the error sits next to the field and the input is kept.
    token = TOKEN.search(form).group(1)  # type: ignore[union-attr]
    posted_on = "2024-03-01"
    short = client.post(
        action,
        data={"csrf_token": token, "posted_on": posted_on, "comment_days": "10", "places": ""},
    )
    assert short.status_code == 422
    html = short.get_data(as_text=True)
    assert re.search(r'id="comment_days-error">[^<]*20', html)
    assert re.search(r'id="comment_days"[^>]*value="10"', html)

    # Not before the Chairman has signed the plan; then the draft is posted.
    unsigned = client.post(action, data={"csrf_token": token, "posted_on": posted_on, "places": ""})
    assert unsigned.status_code == 409 and "chưa ký kế hoạch lấy ý kiến" in text(unsigned)
    take(runtime, consultation_id, "sign_plan", "chutich")
    done = client.post(action, data={"csrf_token": token, "posted_on": posted_on, "places": ""})
    assert done.status_code == 302
    with Session(runtime.db) as session:
        consultation = session.get(Consultation, consultation_id)
        assert consultation is not None and consultation.state == "consulting"
        plan = session.exec(
            select(Document).where(Document.consultation_id == consultation_id)
        ).one()
    assert plan.symbol == "01/KH-UBND"
    page = text(client.get(f"/staff/consultations/{consultation_id}"))
    assert "Đã thực hiện: Ban hành kế hoạch và niêm yết dự thảo" in page
    assert "đến 24:00 ngày 21/03/2024, giờ Việt Nam" in page
    assert "Còn 21 ngày" in page
    assert "01/KH-UBND" in page and "Nhật ký" in page
    assert "Trụ sở Ủy ban nhân dân xã Đông Sơn" in page  # the postings


def test_new_consultation_form_explains_how_to_write_articles(
    client: FlaskClient, commune: Organization
) -> None:
    login(client, "tuphap")
    token = csrf(client, "/staff/consultations/new")
    response = client.post(
        "/staff/consultations/new",
        data={
            "csrf_token": token,
            "workflow": "qcdc-ubnd-xa",
            "title": "Quy chế",
            "articles": "Nội dung không có số điều",
        },
    )
    assert response.status_code == 422
    assert "Điều 1. Phạm vi điều chỉnh" in text(response)
    assert "Nội dung không có số điều" in response.get_data(as_text=True)


def test_reviewer_gives_a_disposition_that_the_citizen_sees(
    client: FlaskClient, runtime: Runtime, open_id: int
) -> None:
    _status, code = comment(client, open_id, "Nên niêm yết cả ở chợ.", article="3")
    [row] = comments_of(runtime, open_id)
    login(client, "tuphap")  # the committee answers (Art. 28)
    listing = client.get(
        f"/staff/consultations/{open_id}/comments?article=3", follow_redirects=True
    )
    assert "Nên niêm yết cả ở chợ." in text(listing)
    assert f'action="/staff/comments/{row.id}/review"' in listing.get_data(as_text=True)

    review = f"/staff/comments/{row.id}/review"
    token = csrf(client, review)
    missing_reason = client.post(
        review, data={"csrf_token": token, "disposition": "not_accepted", "response": "Chưa."}
    )
    assert missing_reason.status_code == 422
    assert "Hãy giải trình lý do không tiếp thu ý kiến." in text(missing_reason)

    saved = client.post(
        review,
        data={
            "csrf_token": token,
            "disposition": "partly_accepted",
            "reason": "Chợ không phải điểm niêm yết theo quy định.",
            "response": "Sẽ thông báo thêm trên đài truyền thanh.",
            "next": f"/staff/consultations/{open_id}/comments?article=3",
        },
    )
    assert saved.status_code == 302
    assert saved.location.startswith(f"/staff/consultations/{open_id}/comments?article=3")
    assert comments_of(runtime, open_id)[0].disposition == "partly_accepted"
    client.post("/logout", data={"csrf_token": token})

    receipt = text(client.get(f"/receipts/{code}"))
    assert "Tiếp thu một phần" in receipt
    assert "Sẽ thông báo thêm trên đài truyền thanh." in receipt


def test_filters_find_opinions_without_diacritics(
    client: FlaskClient, runtime: Runtime, open_id: int
) -> None:
    comment(client, open_id, "Công khai danh sách hộ nghèo.", article="3", locality="Thôn Bản Ven")
    comment(client, open_id, "Ý kiến khác.", article="1")
    login(client, "hdnd")  # the People's Council reads opinions
    found = text(
        client.get(f"/staff/consultations/{open_id}/comments?q=cong+khai", follow_redirects=True)
    )
    assert "Công khai danh sách hộ nghèo." in found and "Ý kiến khác." not in found
    by_village = text(
        client.get(
            f"/staff/consultations/{open_id}/comments?locality=Thôn+Bản+Ven", follow_redirects=True
        )
    )
    assert "Tìm thấy 1 ý kiến" in by_village
    assert "Xử lý ý kiến" not in by_village  # the council does not review


def test_staff_enter_an_opinion_received_on_paper(
    client: FlaskClient, runtime: Runtime, open_id: int
) -> None:
    login(client, "tuphap")
    path = f"/staff/consultations/{open_id}/opinions/new"
    form = client.get(path).get_data(as_text=True)
    assert 'value="2024-03-01"' in form
    token = TOKEN.search(form).group(1)  # type: ignore[union-attr]
    entered = client.post(
        path,
        data={
            "csrf_token": token,
            "channel": "meeting",
            "received_on": "2024-03-01",
            "article": "2",
            "body": "Hội nghị thôn Cây Vải thống nhất với dự thảo.",
            "represents": "45",
            "locality": "Thôn Cây Vải",
        },
    )
    assert entered.status_code == 302
    [row] = comments_of(runtime, open_id)
    assert (row.channel, row.represents, row.locality) == ("meeting", 45, "Thôn Cây Vải")
    assert row.entered_by_id is not None and row.is_anonymous
    future = client.post(
        path,
        data={"csrf_token": token, "channel": "paper", "received_on": "2024-03-09", "body": "x"},
    )
    assert future.status_code == 422
    assert re.search(r'id="received_on-error">', future.get_data(as_text=True))


def test_public_writes_are_rate_limited_per_address(
    database_url: str, clock: Clock, tmp_path: Path, workflows_dir: Path, open_id: int
) -> None:
    from consult import create_app
    from consult.extensions import limiter

    app = create_app(
        {
            "database_url": database_url,
            "workflows_dir": workflows_dir,
            "instance_dir": tmp_path / "instance",
            "ratelimit": "2/minute",
            "clock": clock,
            "TESTING": True,
        }
    )
    limiter.reset()
    try:
        client = app.test_client()
        statuses = [comment(client, open_id, f"Ý kiến số {n}.")[0] for n in range(3)]
        assert statuses == [302, 302, 429]
        assert client.get(f"/consultations/{open_id}/comment").status_code == 200
    finally:
        limiter.reset()
        app.extensions["consult"].db.dispose()


def test_drafter_extends_the_window_and_citizens_see_why(client: FlaskClient, open_id: int) -> None:
    login(client, "tuphap")
    path = f"/staff/consultations/{open_id}/actions/extend_window"
    token = csrf(client, path)
    missing = client.post(path, data={"csrf_token": token, "days": "", "reason": ""})
    assert missing.status_code == 422
    assert re.search(r'id="days-error">', missing.get_data(as_text=True))
    reason = "Thôn Rừng Phẳng bị mất điện, người dân chưa kịp góp ý."
    done = client.post(path, data={"csrf_token": token, "days": "5", "reason": reason})
    assert done.status_code == 302
    staff_page = text(client.get(f"/staff/consultations/{open_id}"))
    assert "đến 24:00 ngày 26/03/2024, giờ Việt Nam" in staff_page
    client.post("/logout", data={"csrf_token": token})
    public = text(client.get(f"/consultations/{open_id}"))
    assert "gia hạn đến 24:00 ngày 26/03/2024" in public and reason in public
    assert "tuphap" not in public and "Nguyễn Thị Hoa" not in public


def test_notices_on_the_desk_can_be_marked_read(
    client: FlaskClient, runtime: Runtime, open_id: int
) -> None:
    from consult.models.notification import Notification

    with write_session(runtime.db) as session:
        reviewer = session.exec(select(User).where(User.username == "mttq")).one()
        assert reviewer.id is not None
        session.add(
            Notification(
                user_id=reviewer.id,
                kind="reminder_3d",
                consultation_id=open_id,
                subject="Còn 3 ngày lấy ý kiến",
                body="Thời hạn lấy ý kiến kết thúc lúc 24:00 ngày 21/03/2024.",
                link=f"/staff/consultations/{open_id}",
                dedupe_key="test:reminder",
                created_at=runtime.now(),
            )
        )
    login(client, "mttq")
    desk = client.get("/staff/")
    assert "Còn 3 ngày lấy ý kiến" in text(desk)
    html = desk.get_data(as_text=True)
    notice_id = re.search(r'name="ids" value="(\d+)"', html).group(1)  # type: ignore[union-attr]
    token = TOKEN.search(html) or re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token is not None
    done = client.post(
        "/staff/notices/read",
        data={"csrf_token": token.group(1), "ids": notice_id, "next": "/staff/"},
    )
    assert done.status_code == 302 and done.location.endswith("/staff/")
    assert "Còn 3 ngày lấy ý kiến" not in text(client.get("/staff/"))
