"""The command line's tables say what each column is (a suggestion read as the abolished body misleads)."""
from conftest import make_user


def test_flags_list_has_a_header_and_the_suggestion_is_labelled(loaded):
    runner = loaded.test_cli_runner()
    assert runner.invoke(args=["flags", "run"]).exit_code == 0
    result = runner.invoke(args=["flags", "list", "--severity", "high"])
    assert result.exit_code == 0, result.output
    header, *lines = result.output.splitlines()
    assert header.split() == ["ID", "SEVERITY", "RULE", "RECORD", "STATUS", "SUGGESTED", "SUCCESSOR"]
    assert lines[-1].endswith("flags.") and len(lines) > 1
    suggestion_at = header.index("SUGGESTED SUCCESSOR")
    abolished = [line for line in lines if "MANAGER_BODY_ABOLISHED" in line]
    assert abolished and any(line[suggestion_at:].startswith("Ủy ban nhân dân") for line in abolished)


def test_users_and_jobs_lists_have_headers(loaded):
    make_user(loaded, "staff.qn", "provincial_staff", ["22"])
    runner = loaded.test_cli_runner()
    users = runner.invoke(args=["users", "list"]).output.splitlines()
    assert users[0].split() == ["USER", "ROLE", "PROVINCES", "STATE"]
    assert any(line.split()[:4] == ["staff.qn", "provincial_staff", "22", "active"] for line in users[1:])
    jobs = runner.invoke(args=["jobs", "list"]).output.splitlines()
    assert jobs[0].split() == ["ID", "KIND", "STATUS", "PROGRESS", "MESSAGE"]
