"""The ``ipreg`` command: a Flask CLI group, so the same commands also run as ``flask --app ipreg ...``."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup


def register_commands(app: Flask) -> None:
    from . import batches, flags, gazetteer, maps, records, serve, setup, units, users

    for command in (setup.init_command, setup.demo_command, units.units, gazetteer.gazetteer, records.records,
                    users.users, flags.flags, batches.reassign_command, batches.batches, serve.serve_command,
                    serve.worker_command, serve.jobs, serve.backup_command, maps.maps):
        app.cli.add_command(command)


def _create_app():
    from .. import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False, load_dotenv=False,
             help="ipreg: registry of GIs and collective/certification marks across the 2025 reform.")
def main() -> None:
    """Entry point of the console script."""
