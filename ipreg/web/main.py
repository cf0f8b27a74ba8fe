"""Home page."""
from __future__ import annotations

from flask import Blueprint, render_template

from .security import requires

bp = Blueprint("main", __name__)


@bp.get("/")
@requires("read")
def index():
    return render_template("main/index.html")
