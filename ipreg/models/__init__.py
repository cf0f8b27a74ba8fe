"""All tables; the schema itself is created only by the Alembic migrations in ``migrations/``."""
from .batch import Batch, Job  # noqa: F401
from .flag import Flag, FlagComment, FlagRun  # noqa: F401
from .registry import AreaEntry, Party, RecordFact, RecordProvince, Registration  # noqa: F401
from .unit import AdminUnit, GazetteerLoad, Succession, UnitEvent, UnitSpan  # noqa: F401
from .user import ApiToken, AuditEntry, User  # noqa: F401
