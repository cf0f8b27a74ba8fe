"""The world the route tests run in: the sample records, flags, a batch, a job, one user and token per role.

Shared by the role × route matrix and the every-method test; imported by them (a fixture must be in the
test module's namespace or a conftest).
"""
import pytest
from conftest import login, make_user

ROLE_USERS = (("admin", "admin1"), ("ip_officer", "officer1"), ("staff_same", "staff.qn"), ("staff_other", "staff.hy"))


@pytest.fixture
def world(loaded):
    """The app, a plausible value for every URL argument, and an API token per role."""
    from sqlalchemy import select

    from ipreg.accounts.users import get_user, issue_token
    from ipreg.batches import service as batches
    from ipreg.extensions import db
    from ipreg.models import Flag, Registration
    from ipreg.reform.engine import run_registry

    make_user(loaded, "admin1", "admin")
    make_user(loaded, "officer1", "ip_officer")
    make_user(loaded, "staff.qn", "provincial_staff", ["22"])
    make_user(loaded, "staff.hy", "provincial_staff", ["33"])
    with loaded.app_context():
        run_registry(db.session)
        reg = db.session.scalar(select(Registration).where(Registration.reg_no == "00041"))
        flag = db.session.scalar(select(Flag).where(Flag.registration_id == reg.id))
        header = "kind,reg_no,role,new_party,new_party_kind,new_party_unit,decision_no,decision_date,effective_date\n"
        row = "GI,00041,manager,Ủy ban nhân dân tỉnh Quảng Ninh,province_pc,22,1/QĐ,2025-07-20,2025-07-20\n"
        batch = batches.preview(db.session, (header + row).encode(), "m.csv", actor="admin1", max_rows=10,
                                max_cell_chars=500, max_bytes=None)["batch"]
        from ipreg.jobs.queue import enqueue

        job = enqueue(db.session, "flags_run", {}, "admin1").id
        tokens = {role: issue_token(db.session, get_user(db.session, name), "matrix")
                  for role, name in ROLE_USERS}
        db.session.commit()
        values = {"internal_id": reg.internal_id, "kind": "GI", "reg_no": "00041", "flag_id": flag.id,
                  "batch_id": batch, "job_id": job, "vintage": "old", "code": "22", "fmt": "csv", "sha256": "0" * 64}
    return loaded, values, tokens


def clients(app):
    out = {"anonymous": app.test_client()}
    for role, name in ROLE_USERS:
        client = app.test_client()
        login(client, name)
        out[role] = client
    return out
