"""The README's run command: ``ipreg demo`` on a fresh database, then ``ipreg serve`` answers."""
import pytest
from conftest import make_app


@pytest.mark.slow
def test_demo_sets_up_everything_on_a_fresh_database(db_template, tmp_path, geodata_dir, sample_csv):
    url = db_template.create_empty("ipreg_demo_" + tmp_path.name[-8:].replace("-", "_"))
    app = make_app(url, tmp_path / "instance", geodata_dir)
    result = app.test_cli_runner().invoke(args=["demo", "--file", str(sample_csv)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "First administrator created: user 'admin', one-time password" in out
    assert "Imported:" in out and "refused" in out and "Warnings:" in out
    assert "flags opened" in out
    again = app.test_cli_runner().invoke(args=["demo", "--file", str(sample_csv)])
    assert again.exit_code == 0 and "First administrator" not in again.output
    assert "0 created" in again.output
    from ipreg.extensions import db

    with app.app_context():
        db.engine.dispose()
    db_template.drop(url)
