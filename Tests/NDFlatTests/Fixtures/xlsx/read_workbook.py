#!/usr/bin/env python3
"""Independent reader for the XLSX tests: dumps a workbook as JSON using openpyxl.

    read_workbook.py FILE.xlsx   -> {"sheets": [...], "formula_tags": N}

Each sheet: name, freeze (e.g. "A2"), filter (e.g. "A1:C9"), widths ({"A": 12.7}),
max_row, max_column, and rows: a list of rows, each a list of cells, a cell being
null (no value) or {"t": data_type, "v": value, "fmt": number_format, "bold": bool}
where v is a string for text, true/false for booleans, {"repr": repr(float),
"g15": "%.15g"} for numbers, and an ISO 8601 string with milliseconds for dates.
"formula_tags" counts <f> elements in every worksheet XML of the archive.
"""
import datetime
import json
import re
import sys
import zipfile

import openpyxl


def cell_json(cell):
    v = cell.value
    if v is None:
        return None
    out = {"t": cell.data_type, "fmt": cell.number_format, "bold": bool(cell.font is not None and cell.font.b)}
    if isinstance(v, bool):
        out["v"] = v
    elif isinstance(v, (int, float)):
        out["v"] = {"repr": repr(float(v)), "g15": "%.15g" % v}
    elif isinstance(v, datetime.datetime):
        out["v"] = v.isoformat(timespec="milliseconds")
    elif isinstance(v, (datetime.date, datetime.time, datetime.timedelta)):
        out["v"] = str(v)
    else:
        out["v"] = str(v)
    return out


def main(path):
    wb = openpyxl.load_workbook(path)
    sheets = []
    for ws in wb.worksheets:
        rows = [[cell_json(c) for c in row] for row in ws.iter_rows()]
        sheets.append({
            "name": ws.title,
            "freeze": ws.freeze_panes,
            "filter": ws.auto_filter.ref,
            "widths": {k: d.width for k, d in ws.column_dimensions.items() if d.customWidth},
            "max_row": ws.max_row,
            "max_column": ws.max_column,
            "rows": rows,
        })
    formulas = 0
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                formulas += len(re.findall(rb"<f[ >/]", z.read(name)))
    json.dump({"sheets": sheets, "formula_tags": formulas}, sys.stdout, ensure_ascii=True)


if __name__ == "__main__":
    main(sys.argv[1])
