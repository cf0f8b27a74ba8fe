"""Log-in, lock-out, sessions, log-out everywhere, API tokens, CSRF, cookies and security headers."""
import re

from conftest import PASSWORD, csrf_token, login, make_user
from sqlalchemy import select


def post_login(client, username, password):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def test_lock_out_after_repeated_failures(app):
    make_user(app, "clerk", "ip_officer")
    client = app.test_client()
    for _ in range(app.config["IPREG_LOGIN_MAX_FAILURES"]):
        assert post_login(client, "clerk", "wrong password").status_code == 401
    assert post_login(client, "clerk", PASSWORD).status_code == 401  # locked, even with the right password
    from ipreg.extensions import db
    from ipreg.models import AuditEntry, User

    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "clerk"))
        assert user.locked_until is not None
        reasons = [e.after["reason"] for e in db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "auth.login", AuditEntry.outcome == "denied"))]
        assert reasons.count("password") == app.config["IPREG_LOGIN_MAX_FAILURES"] and "locked" in reasons
        entries = db.session.scalars(select(AuditEntry)).all()
        assert not any(PASSWORD in str(e.after) or "wrong password" in str(e.after) for e in entries)


def test_password_change_logs_out_everywhere(app):
    make_user(app, "clerk", "ip_officer")
    first, second = app.test_client(), app.test_client()
    login(first, "clerk")
    login(second, "clerk")
    assert second.get("/records/").status_code == 200
    token = csrf_token(first, "/account/password")
    response = first.post("/account/password", data={"csrf_token": token, "old": PASSWORD,
                                                      "new": "another long passphrase", "confirm": "another long passphrase"})
    assert response.status_code == 302
    assert first.get("/records/").status_code == 200  # the session that changed it continues
    assert second.get("/records/").status_code == 302  # every other session ends


def test_one_time_password_must_be_changed(app):
    from ipreg.accounts.users import create_user
    from ipreg.extensions import db

    with app.app_context():
        _user, once = create_user(db.session, "newbie", "ip_officer", valid_provinces=set(), actor="t")
        db.session.commit()
    client = app.test_client()
    response = post_login(client, "newbie", once)
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/password")


def test_disabled_users_and_revoked_tokens_are_refused(app):
    from ipreg.accounts.users import disable_user, get_user, issue_token, revoke_token
    from ipreg.extensions import db
    from ipreg.models import ApiToken

    make_user(app, "clerk", "ip_officer")
    with app.app_context():
        token = issue_token(db.session, get_user(db.session, "clerk"), "t")
        db.session.commit()
    client = app.test_client()
    assert client.get("/api/v1/records", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.get("/api/v1/records", headers={"Authorization": "Bearer nope"}).status_code == 401
    with app.app_context():
        user = get_user(db.session, "clerk")
        row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
        revoke_token(db.session, row.id, user)
        db.session.commit()
    assert client.get("/api/v1/records", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    session_client = app.test_client()
    login(session_client, "clerk")
    with app.app_context():
        disable_user(db.session, get_user(db.session, "clerk"), "t")
        db.session.commit()
    assert session_client.get("/records/").status_code == 302
    assert post_login(app.test_client(), "clerk", PASSWORD).status_code == 401


def test_forms_need_a_csrf_token_and_api_writes_need_a_token(officer, loaded):
    from ipreg.extensions import db
    from ipreg.models import AuditEntry, FlagComment
    from ipreg.reform.engine import run_registry

    with loaded.app_context():
        run_registry(db.session)
    flag = officer.get("/api/v1/flags").get_json()[0]
    assert officer.post(f"/review/flags/{flag['id']}/comment", data={"body": "no token"}).status_code == 400
    assert officer.post(f"/review/flags/{flag['id']}/comment",
                        data={"body": "forged", "csrf_token": "x" * 40}).status_code == 400
    # the API does not accept the session cookie for writes
    assert officer.post(f"/api/v1/flags/{flag['id']}/comments", json={"body": "cookie"}).status_code == 401
    assert officer.post("/api/v1/flags/1/comments", json={"body": "x"},
                        headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    with loaded.app_context():
        assert db.session.query(FlagComment).count() == 0
        denials = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "http.denied")).all()
    assert [d.after.get("reason") for d in denials].count("csrf") == 2  # both forged forms are in the audit log
    assert any(d.object_id == "/api/v1/flags/1/comments" and d.after.get("status") == 401 for d in denials)
    token = csrf_token(officer, f"/review/flags/{flag['id']}")
    assert officer.post(f"/review/flags/{flag['id']}/comment", data={"body": "ok", "csrf_token": token}
                        ).status_code == 302


def test_security_headers_and_cookies(loaded):
    make_user(loaded, "clerk", "ip_officer")
    client = loaded.test_client()
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", csp).group(1)
    assert "'unsafe-inline'" not in script_src and "'nonce-" in script_src and "'self'" in script_src
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": "clerk", "password": PASSWORD, "csrf_token": token})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "Expires=" in cookie  # sessions expire
    page = client.get("/records/").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)", page)  # no inline script without a nonce
    loaded.config["SESSION_COOKIE_SECURE"] = True
    secure = loaded.test_client()
    page = secure.get("/login", base_url="https://localhost").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = secure.post("/login", data={"username": "clerk", "password": PASSWORD, "csrf_token": token},
                           base_url="https://localhost")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Secure" in cookie


def test_no_open_redirect_after_log_in(app):
    make_user(app, "clerk", "ip_officer")
    client = app.test_client()
    token = csrf_token(client, "/login")
    response = client.post("/login?next=https://evil.example/", data={"username": "clerk", "password": PASSWORD,
                                                                       "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_request_size_limit(officer, loaded):
    loaded.config["MAX_CONTENT_LENGTH"] = 1000
    token = csrf_token(officer, "/records/")
    response = officer.post("/review/bulk", data={"csrf_token": token, "reason": "x" * 5000})
    assert response.status_code == 413


def test_a_one_time_password_must_be_changed_before_anything_else(app):
    from ipreg.accounts.users import create_user
    from ipreg.extensions import db

    with app.app_context():
        _, once = create_user(db.session, "newcomer", "ip_officer", valid_provinces=set(), actor="test")
        db.session.commit()
    client = app.test_client()
    token = csrf_token(client, "/login")
    assert client.post("/login", data={"username": "newcomer", "password": once, "csrf_token": token}
                       ).headers["Location"].endswith("/account/password")
    assert client.get("/records/").headers["Location"].endswith("/account/password")
    assert client.get("/review/").status_code == 302
    token = csrf_token(client, "/account/password")
    assert client.post("/account/password", data={"csrf_token": token, "old": once, "new": PASSWORD + "!",
                                                   "confirm": PASSWORD + "!"}).status_code == 302
    login_again = app.test_client()
    token = csrf_token(login_again, "/login")
    login_again.post("/login", data={"username": "newcomer", "password": PASSWORD + "!", "csrf_token": token})
    assert login_again.get("/records/").status_code == 200


def test_behind_a_proxy_the_audit_log_has_the_clients_address(tmp_path):
    """With IPREG_PROXY_HOPS the forwarded client address, not the proxy's, is what the audit log keeps."""
    from ipreg import create_app
    from ipreg.extensions import db
    from ipreg.models import AuditEntry

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}", "IPREG_PROXY_HOPS": 1,
                      "TESTING": True})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=app.extensions["migrate"].directory)
    client = app.test_client()
    client.get("/records/", headers={"X-Forwarded-For": "203.0.113.7"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    with app.app_context():
        denied = db.session.query(AuditEntry).filter_by(action="http.denied").one()
    assert denied.remote_addr == "203.0.113.7"


def test_a_session_cookie_replayed_after_log_out_is_refused(app):
    """Log-out ends the session on the server: a copy of the cookie, from another address, is refused."""
    make_user(app, "clerk", "ip_officer")
    client = app.test_client()
    login(client, "clerk")
    stolen = client.get_cookie("session").value
    assert client.post("/logout", data={"csrf_token": csrf_token(client, "/records/")}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/records/", environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert thief.get("/api/v1/records").status_code == 401
    login(client, "clerk")  # logging in again works, with a new session
    assert client.get("/records/").status_code == 200
    from ipreg.extensions import db
    from ipreg.models import AuditEntry

    with app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.logout")).actor == "clerk"


def test_a_password_change_revokes_api_tokens(app):
    from ipreg.accounts.users import get_user, issue_token
    from ipreg.extensions import db

    make_user(app, "clerk", "ip_officer")
    with app.app_context():
        token = issue_token(db.session, get_user(db.session, "clerk"), "script")
        db.session.commit()
    bearer = {"Authorization": f"Bearer {token}"}
    api = app.test_client()
    assert api.get("/api/v1/records", headers=bearer).status_code == 200
    client = app.test_client()
    login(client, "clerk")
    client.post("/account/password", data={"csrf_token": csrf_token(client, "/account/password"), "old": PASSWORD,
                                           "new": "another long passphrase", "confirm": "another long passphrase"})
    refused = api.get("/api/v1/records?lang=en", headers=bearer)
    assert refused.status_code == 401 and "expired or revoked" in refused.get_json()["error"]


def test_api_tokens_expire(app):
    from datetime import timedelta

    from ipreg.accounts.users import get_user, issue_token
    from ipreg.core.clock import utcnow
    from ipreg.extensions import db
    from ipreg.models import ApiToken

    app.config["IPREG_API_TOKEN_DAYS"] = 7
    make_user(app, "clerk", "ip_officer")
    client = app.test_client()
    login(client, "clerk")
    page = client.post("/account/tokens", data={"csrf_token": csrf_token(client, "/account/tokens"), "name": "ci"})
    token = re.search(r"<code>(ipr_[^<]+)</code>", page.get_data(as_text=True)).group(1)
    with app.app_context():
        row = db.session.scalar(select(ApiToken).where(ApiToken.name == "ci"))
        assert timedelta(days=6, hours=23) < row.expires_at - row.created_at <= timedelta(days=7)
        old = issue_token(db.session, get_user(db.session, "clerk"), "old")  # the domain's default: 90 days
        db.session.flush()
        aged = db.session.scalar(select(ApiToken).where(ApiToken.name == "old"))
        assert aged.expires_at - aged.created_at == timedelta(days=90)
        aged.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert client.get("/api/v1/records", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.get("/api/v1/records", headers={"Authorization": f"Bearer {old}"}).status_code == 401
    assert "expired" in client.get("/account/tokens?lang=en").get_data(as_text=True)
