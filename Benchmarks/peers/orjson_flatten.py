#!/usr/bin/env python3
"""Peer for the ndflat benchmarks: what a competent Python + orjson script does.

    orjson_flatten.py FILE -o out.csv                      # all columns, 2 passes (union, first-seen order)
    orjson_flatten.py FILE -f a.b,c.d -o out.csv           # just those columns, 1 pass
    orjson_flatten.py FILE --format json -o out.ndjson     # flattened NDJSON, 1 pass
    orjson_flatten.py FILE --where metadata.event_name=asset_accessed -f ... -o out.csv

Flattening follows ndflat's contract (SPEC §2) as far as Python can: nested objects become
"parent.child" keys, {} becomes "{}", arrays stay whole (compact JSON text in CSV), null/absent
is an empty cell, booleans are true/false.  One known difference, the honest cost of using
orjson: numbers go through int/float, so their text is not kept (1.0e-05 -> 1e-05, 1e400 fails).

Lines that are not valid JSON objects are counted and skipped (reported on stderr, exit 3).
"""

import argparse
import csv
import sys

import orjson

_loads = orjson.loads
_dumps = orjson.dumps


def flatten(obj, prefix, out, sep):
    for k, v in obj.items():
        key = prefix + k
        if type(v) is dict:
            if v:
                flatten(v, key + sep, out, sep)
            else:
                out[key] = EMPTY_OBJ
        else:
            out[key] = v


class _EmptyObj:
    __slots__ = ()


EMPTY_OBJ = _EmptyObj()


def cell(v):
    """A flattened value as CSV cell text."""
    t = type(v)
    if t is str:
        return v
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if t is int or t is float:
        return repr(v)
    if v is EMPTY_OBJ:
        return "{}"
    return _dumps(v).decode()  # list (or dict when a -f path names an object)


def get_path(rec, parts):
    v = rec
    for p in parts:
        t = type(v)
        if t is dict:
            v = v.get(p)
        elif t is list and p.isdigit() and int(p) < len(v):
            v = v[int(p)]
        else:
            return None
        if v is None:
            return None
    return v


def parse_where(exprs):
    conds = []
    for e in exprs or ():
        neg = "!=" in e
        path, _, val = e.partition("!=" if neg else "=")
        conds.append((path.split("."), set(val.split(",")), neg))
    return conds


def matches(rec, conds):
    for parts, vals, neg in conds:
        v = get_path(rec, parts)
        s = None if v is None else cell(v)
        hit = s in vals
        if hit == neg:
            return False
    return True


def records(path, stats):
    f = sys.stdin.buffer if path == "-" else open(path, "rb", buffering=1 << 20)
    try:
        for line in f:
            if not line.strip():
                continue
            try:
                rec = _loads(line)
            except orjson.JSONDecodeError:
                stats["rejected"] += 1
                continue
            if type(rec) is not dict:
                stats["rejected"] += 1
                continue
            yield rec
    finally:
        if f is not sys.stdin.buffer:
            f.close()


def main(argv=None):
    ap = argparse.ArgumentParser(description="Python + orjson NDJSON flattener (benchmark peer)")
    ap.add_argument("file")
    ap.add_argument("-o", "--output", default="-")
    ap.add_argument("-f", "--fields", help="comma-separated paths (default: all flattened columns, 2 passes)")
    ap.add_argument("--format", choices=["csv", "tsv", "json"], default="csv")
    ap.add_argument("--where", action="append", help="PATH=V[,V...] or PATH!=V (repeatable)")
    ap.add_argument("--sep", default=".")
    a = ap.parse_args(argv)
    if a.file == "-" and not a.fields and a.format != "json":
        ap.error("all-columns mode needs two passes: give a file, not stdin")

    stats = {"rejected": 0}
    conds = parse_where(a.where)
    sep = a.sep
    if a.format == "json":
        out = sys.stdout.buffer if a.output == "-" else open(a.output, "wb", buffering=1 << 20)
    else:
        out = sys.stdout if a.output == "-" else open(a.output, "w", newline="", encoding="utf-8", buffering=1 << 20)
    try:
        if a.format == "json":
            write = out.write
            fields = a.fields.split(",") if a.fields else None
            for rec in records(a.file, stats):
                if conds and not matches(rec, conds):
                    continue
                if fields:
                    flat = {f: get_path(rec, f.split(".")) for f in fields}
                else:
                    flat = {}
                    flatten(rec, "", flat, sep)
                    for k, v in flat.items():
                        if v is EMPTY_OBJ:
                            flat[k] = {}
                write(_dumps(flat) + b"\n")
        else:
            if a.format == "tsv":
                w = csv.writer(out, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\", lineterminator="\n")
            else:
                w = csv.writer(out, lineterminator="\n")
            if a.fields:
                fields = a.fields.split(",")
                paths = [f.split(".") for f in fields]
                w.writerow(fields)
                for rec in records(a.file, stats):
                    if conds and not matches(rec, conds):
                        continue
                    w.writerow([cell(get_path(rec, p)) for p in paths])
            else:
                # pass 1: union of flattened paths, first-seen order
                cols = {}
                for rec in records(a.file, stats):
                    if conds and not matches(rec, conds):
                        continue
                    flat = {}
                    flatten(rec, "", flat, sep)
                    for k in flat:
                        if k not in cols:
                            cols[k] = len(cols)
                stats["rejected"] = 0
                names = list(cols)
                w.writerow(names)
                # pass 2: rows
                for rec in records(a.file, stats):
                    if conds and not matches(rec, conds):
                        continue
                    flat = {}
                    flatten(rec, "", flat, sep)
                    get = flat.get
                    w.writerow([cell(get(c)) for c in names])
        out.flush()
    except BrokenPipeError:
        return 0
    finally:
        if out is not sys.stdout and out is not sys.stdout.buffer:
            out.close()
    if stats["rejected"]:
        sys.stderr.write("orjson_flatten: %d record(s) rejected\n" % stats["rejected"])
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
