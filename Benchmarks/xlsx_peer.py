#!/usr/bin/env python3
"""The W5 peer: NDJSON -> .xlsx with pandas `DataFrame.to_excel` (openpyxl engine).

    xlsx_peer.py FILE -o OUT.xlsx [-f a.b,c.d,...]

With -f: those dotted paths, in that order (what `ndflat --format xlsx -f ...` writes).
Without: every column of `pandas.json_normalize` over all records (nested objects
flattened with "."; arrays stay Python lists, written as their text).

This is what a pandas user writes: parse each line with the json module, build a
DataFrame, call to_excel. Everything is held in memory (pandas has no streaming
writer), so peak RSS grows with the input. Numbers go through int/float, so
17-digit IDs that are JSON numbers lose digits; IDs that are JSON strings stay text.
"""
import argparse
import json
import sys

import pandas as pd


def pick(record, segments):
    value = record
    for key in segments:
        if isinstance(value, dict):
            value = value.get(key)
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return None
        if value is None:
            return None
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("-f", "--fields")
    args = parser.parse_args()

    with open(args.file, "rb") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    if args.fields:
        fields = args.fields.split(",")
        paths = [field.split(".") for field in fields]
        rows = [[pick(record, segments) for segments in paths] for record in records]
        frame = pd.DataFrame(rows, columns=fields)
    else:
        frame = pd.json_normalize(records, sep=".")
        for column in frame.columns:
            if frame[column].dtype == object:
                frame[column] = frame[column].map(
                    lambda v: json.dumps(v, separators=(",", ":"), ensure_ascii=False)
                    if isinstance(v, (dict, list)) else v)
    del records
    frame.to_excel(args.output, index=False, engine="openpyxl")
    return 0


if __name__ == "__main__":
    sys.exit(main())
