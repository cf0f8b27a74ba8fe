"""Every response says its content type once, with one charset for text (a doubled parameter confuses clients)."""
PATHS = ["/records/export.csv", "/records/registry.csv", "/review/stats?format=csv", "/records/registry.geojson",
         "/records/export.xlsx", "/", "/api/v1/records", "/admin/batches/template.csv"]


def test_one_content_type_with_one_charset(loaded):
    from conftest import client_as

    admin = client_as(loaded, "admin.types", "admin")
    for path in PATHS:
        response = admin.get(path)
        assert response.status_code == 200, path
        content_type = response.headers["Content-Type"]
        assert content_type.count("charset") <= 1, (path, content_type)
        if content_type.startswith("text/"):
            assert content_type.endswith("; charset=utf-8"), (path, content_type)
