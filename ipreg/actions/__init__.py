"""One function per officer action, as CKAN's action layer: each checks the actor's permission (and the
record's scope), validates, does the work through the packages below and owns its transaction.

Views, API resources, CLI commands and jobs call these and never commit or query themselves; a test forbids
``db.session.commit()``, ``select(`` and ``session.execute(`` in ``web/`` and ``cli/``.
"""
