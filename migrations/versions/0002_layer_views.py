"""One view per layer, which QGIS opens directly on PostgreSQL + PostGIS (geometry typed, id as key).

On SQLite the views exist too (geometry is WKB there; use the GeoPackage export for QGIS).

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UNIT_LAYERS = {
    "layer_new_communes": ("new", "commune"),
    "layer_new_provinces": ("new", "province"),
    "layer_old_provinces": ("old", "province"),
    "layer_old_districts": ("old", "district"),
}


def upgrade():
    for name, (vintage, level) in UNIT_LAYERS.items():
        op.execute(f"""CREATE VIEW {name} AS
            SELECT id, code, name, type, province_code, valid_from, valid_to, legal_basis, area_km2, geom
            FROM admin_unit WHERE vintage = '{vintage}' AND level = '{level}' AND geom IS NOT NULL""")
    op.execute("""CREATE VIEW layer_record_polygons AS
        SELECT r.id, r.kind, r.reg_no, r.internal_id, r.name, r.product, r.status, r.area_polygon AS geom
        FROM registration r WHERE r.area_polygon IS NOT NULL""")
    op.execute("""CREATE VIEW layer_open_flags_by_new_province AS
        SELECT u.id, u.code, u.name, COUNT(DISTINCT rp.registration_id) AS records, COUNT(f.id) AS open_flags,
               u.geom
        FROM admin_unit u
        LEFT JOIN record_province rp ON rp.vintage = 'new' AND rp.province_code = u.code
        LEFT JOIN flag f ON f.registration_id = rp.registration_id AND f.status = 'open'
        WHERE u.vintage = 'new' AND u.level = 'province'
        GROUP BY u.id, u.code, u.name, u.geom""")


def downgrade():
    for name in ["layer_open_flags_by_new_province", "layer_record_polygons", *UNIT_LAYERS]:
        op.execute(f"DROP VIEW IF EXISTS {name}")
