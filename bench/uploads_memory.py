"""Upload reading benchmark: peak memory (and time) of reading the largest allowed upload and the sheet-size bomb.

Each reading runs in a fresh Python process that reports its own peak resident memory (VmHWM), so figures
do not carry the memory of the benchmark itself. Files: a 20,000-row workbook in the import format (the
largest upload the default limits allow) and the same as CSV; the issue's bomb, a workbook of about 1.6 KB
whose sheet declares A1:XFD1048576 and holds a value in that far corner.

Baselines, measured in the same run: for the 20,000-row workbook, openpyxl's ordinary (not read-only) load;
for the bomb, the reading before this change (read-only, trusting the declared dimension, every row padded to
16,384 cells and kept), measured on its first rows and extrapolated linearly to the 1,048,576 declared (the
issue's run was stopped at 3 GB after 220 s, well before the end). Targets: ≤ 200 MB for each reading, and the
bomb refused within 5 s. The reading alone is measured: the ``ipreg`` command around it starts at about 165 MB
(see tests/test_upload_attacks.py for the whole command, under 200 MB).
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from common import ROOT, Figure, table

DECLARED_ROWS = 1_048_576
COLUMNS = ["kind", "reg_no", "name", "product", "granted_on", "status", "holder", "holder_kind", "holder_unit",
           "manager", "manager_kind", "manager_unit", "area_units", "area_vintage", "notes"]

# Run in the fresh process: read FILE the way MODE says, print peak memory (MB) and seconds as JSON.
READER = """
import json, re, sys, time
path, mode, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
from ipreg.core.errors import IpregError
from ipreg.tables.columns import RECORD_ALIASES, RECORD_REQUIRED
from ipreg.tables.reader import read_table
import openpyxl
data = open(path, "rb").read()
started = time.perf_counter()
outcome = "read"
if mode == "ipreg":
    try:
        outcome = "%d rows" % len(read_table(data, path, RECORD_ALIASES, RECORD_REQUIRED, max_rows=20_000,
                                            max_cell_chars=2_000).rows)
    except IpregError as exc:
        outcome = "refused: " + exc.message[:60]
elif mode == "openpyxl":
    book = openpyxl.load_workbook(path)
    kept = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
elif mode == "trusting":
    book = openpyxl.load_workbook(path, read_only=True)
    kept = []
    for row in book.worksheets[0].iter_rows(max_row=rows):
        kept.append(["" if c.value is None else str(c.value) for c in row])
seconds = time.perf_counter() - started
peak = int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) / 1024
print(json.dumps({"peak_mb": peak, "seconds": seconds, "outcome": outcome}))
"""


def measure(path: Path, mode: str, rows: int = 0) -> dict:
    done = subprocess.run([sys.executable, "-c", READER, str(path), mode, str(rows)], capture_output=True,
                          text=True, cwd=ROOT, timeout=600, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def largest_upload(directory: Path, rows: int) -> tuple[Path, Path]:
    """An XLSX and a CSV of ``rows`` records in the import format (full cells, as a real registry export)."""
    import csv

    from openpyxl import Workbook

    line = ["GI", "", "Chè Shan tuyết Mộc Châu", "Chè", "2010-08-09", "registered", "Nhà nước Việt Nam", "state",
            "", "Sở Khoa học và Công nghệ tỉnh Sơn La", "dost", "14",
            "Xã Tân Lập, Huyện Mộc Châu, Tỉnh Sơn La; Xã Chiềng Sơn, Huyện Vân Hồ, Tỉnh Sơn La", "2025-06-30",
            "ghi chú " * 8]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("records")
    sheet.append(COLUMNS)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(COLUMNS)
    for n in range(rows):
        line[1] = f"{n:05d}"
        sheet.append(line)
        writer.writerow(line)
    xlsx, csv_path = directory / "largest.xlsx", directory / "largest.csv"
    book.save(xlsx)
    csv_path.write_text(text.getvalue(), encoding="utf-8")
    return xlsx, csv_path


def bomb(directory: Path) -> Path:
    """The issue's workbook: column names and one value in the far corner of a declared A1:XFD1048576."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    header = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{c}</t></is></c>' for i, c in enumerate(COLUMNS))
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
        '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
        'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="s" '
        'sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" '
        f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet xmlns="{main}"><dimension ref="A1:XFD'
        f'{DECLARED_ROWS}"/><sheetData><row r="1">{header}</row><row r="{DECLARED_ROWS}"><c r="XFD{DECLARED_ROWS}" '
        't="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>',
    }
    path = directory / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def run(smoke: bool = False) -> list[Figure]:
    rows = 2_000 if smoke else 20_000
    sample = (20, 60) if smoke else (100, 300)
    directory = Path(tempfile.mkdtemp(prefix="ipreg-bench-uploads-"))
    xlsx, csv_path = largest_upload(directory, rows)
    bomb_path = bomb(directory)
    read_xlsx, plain_xlsx = measure(xlsx, "ipreg"), measure(xlsx, "openpyxl")
    read_csv = measure(csv_path, "ipreg")
    refused = measure(bomb_path, "ipreg")
    assert read_xlsx["outcome"] == f"{rows} rows" and read_csv["outcome"] == f"{rows} rows", (read_xlsx, read_csv)
    assert refused["outcome"].startswith("refused"), refused
    # The reading before: memory and time grow with every declared row; a line through two samples.
    first, second = (measure(bomb_path, "trusting", n) for n in sample)
    per_row_mb = (second["peak_mb"] - first["peak_mb"]) / (sample[1] - sample[0])
    per_row_s = (second["seconds"] - first["seconds"]) / (sample[1] - sample[0])
    before_mb = first["peak_mb"] + per_row_mb * (DECLARED_ROWS - sample[0])
    before_s = first["seconds"] + per_row_s * (DECLARED_ROWS - sample[0])
    size = bomb_path.stat().st_size
    return [
        Figure("uploads", f"peak memory reading a {rows:,}-row XLSX", read_xlsx["peak_mb"], "MB", "≤ 200 MB",
               read_xlsx["peak_mb"] <= 200, plain_xlsx["peak_mb"]),
        Figure("uploads", f"peak memory reading a {rows:,}-row CSV", read_csv["peak_mb"], "MB", "≤ 200 MB",
               read_csv["peak_mb"] <= 200),
        Figure("uploads", f"peak memory refusing the {size:,}-byte sheet-size bomb", refused["peak_mb"], "MB",
               "≤ 200 MB", refused["peak_mb"] <= 200, before_mb),
        Figure("uploads", "time refusing the sheet-size bomb", refused["seconds"], "s", "≤ 5 s",
               refused["seconds"] <= 5, before_s),
    ]


if __name__ == "__main__":
    print(table(run(smoke="--smoke" in sys.argv)))
