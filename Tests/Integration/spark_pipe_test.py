#!/usr/bin/env python3
"""ndflat inside real engines: Spark `RDD.pipe` mapper mode, and a Hive-style partitioned
tree read back by Spark and DuckDB.

    NDFLAT=/path/to/ndflat python3 Tests/Integration/spark_pipe_test.py

Steps (issue 9):
  1. generate a multi-file Canvas-like export (Benchmarks/generate.py, one seed per file)
     plus a small hand-written "drift" file whose fields are outside the schema;
  2. `ndflat schema --json` over the generated files -> S.json;
  3. PySpark local[2]: sc.textFile(dir).pipe("ndflat -q --schema S.json --no-header");
     the multiset of the workers' CSV records must equal the records of one
     `ndflat --schema S.json --no-header` run over the same files (order aside);
  4. `ndflat --partition-by metadata.event_name,date(metadata.event_time) -o TREE`;
     Spark reads TREE (header, multiLine) and its per-event_name, per-date counts
     must equal counts computed here from the NDJSON (date = UTC day of event_time);
  5. DuckDB reads TREE with hive_partitioning=true: same counts.

Exit 0 on success; 1 on a failed check (the message says which); 77 when pyspark,
duckdb or java is missing.  Environment:
  NDFLAT              the ndflat binary (default: <package root>/.build/debug/ndflat)
  NDFLAT_SPARK_FILES  number of generated files (default 6)
  NDFLAT_SPARK_RECORDS records per file (default 3000)
  NDFLAT_KEEP_TMP=1   keep the temporary directory (its path is printed)
"""

import collections
import csv
import datetime
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GENERATOR = os.path.join(ROOT, "Benchmarks", "generate.py")
PARTITION_BY = "metadata.event_name,date(metadata.event_time)"
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"
SKIP = 77

csv.field_size_limit(2**31 - 1)


class CheckFailed(Exception):
    pass


def log(message):
    print("spark_pipe_test: " + message, flush=True)


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


# --------------------------------------------------------------------------------------
# prerequisites


def find_ndflat():
    path = os.environ.get("NDFLAT")
    if path:
        path = os.path.abspath(path)
    else:
        candidates = [os.path.join(ROOT, ".build", "debug", "ndflat"),
                      os.path.join(ROOT, ".build", "release", "ndflat")]
        path = next((c for c in candidates if os.access(c, os.X_OK)), candidates[0])
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise CheckFailed("ndflat binary not found at %s (set NDFLAT or run `swift build`)" % path)
    return path


def missing_prerequisites():
    missing = []
    for module in ("pyspark", "duckdb"):
        try:
            __import__(module)
        except ImportError:
            missing.append("python module %s (pip install %s)" % (module, module))
    java = shutil.which("java", path=os.environ.get("PATH")) if not os.environ.get("JAVA_HOME") else \
        os.path.join(os.environ["JAVA_HOME"], "bin", "java")
    if not java or not os.access(java, os.X_OK):
        missing.append("java (apt-get install default-jre-headless)")
    return missing


# --------------------------------------------------------------------------------------
# helpers


def run(argv, **kwargs):
    result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)
    if result.returncode != 0:
        raise CheckFailed("`%s` exited %d:\n%s" % (" ".join(shlex.quote(a) for a in argv), result.returncode,
                                                    result.stderr.decode("utf-8", "replace")[-4000:]))
    return result


def csv_records(text):
    """The CSV records of `text` (quoted fields may hold CR/LF), as tuples."""
    return [tuple(row) for row in csv.reader(io.StringIO(text, newline=""), strict=True)]


_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})?$")
_FRACTION = re.compile(r"\.(\d+)")


def utc_day(text):
    """UTC calendar day of an RFC 3339 / ISO 8601 timestamp ('Z', '+05:30', '-0800',
    '+05', optional space before the offset, 'T' or space), or None when it does not parse."""
    if not isinstance(text, str):
        return None
    s = text.strip()
    if s.endswith("Z") or s.endswith("z"):
        s = s[:-1] + "+00:00"
    m = _OFFSET.search(s)
    if m:
        s = s[:m.start()].rstrip() + "%s%s:%s" % (m.group(1), m.group(2), m.group(3) or "00")
    s = _FRACTION.sub(lambda f: "." + (f.group(1) + "000000")[:6], s, count=1)
    try:
        moment = datetime.datetime.fromisoformat(s)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(datetime.timezone.utc).date().isoformat()


def expected_partitions(paths):
    """(event_name, date) -> records, computed from the NDJSON itself."""
    counts = collections.Counter()
    for path in paths:
        with open(path, "rb") as handle:
            for line in handle:
                if not line.strip():
                    continue
                record = json.loads(line)
                meta = record.get("metadata") if isinstance(record, dict) else None
                meta = meta if isinstance(meta, dict) else {}
                name = meta.get("event_name")
                name = name if isinstance(name, str) and name != "" else None
                counts[(name, utc_day(meta.get("event_time")))] += 1
    return counts


def normalise_partition(value):
    if value is None:
        return None
    value = str(value)
    return None if value in (HIVE_NULL, "") else value


def diff_counts(expected, actual, limit=10):
    lines = []
    for key in sorted(set(expected) | set(actual), key=repr):
        if expected.get(key, 0) != actual.get(key, 0):
            lines.append("  %r: expected %d, got %d" % (key, expected.get(key, 0), actual.get(key, 0)))
    more = "" if len(lines) <= limit else "\n  … and %d more" % (len(lines) - limit)
    return "\n".join(lines[:limit]) + more


def mojibake_hint(expected, actual):
    """A note when a partition value came back as its UTF-8 bytes read one per character."""
    for name, day in set(actual) - set(expected):
        try:
            fixed = name.encode("latin-1").decode("utf-8") if name else name
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != name and (fixed, day) in expected:
            return ("\n  (%r read back as %r: Spark (like Hive) decodes each %%XX escape in a directory name as "
                    "one character, so a non-ASCII value must be written as raw UTF-8 (as Spark's own writer "
                    "does), percent-encoding only ASCII)" % (fixed, name))
    return ""


def diff_rows(expected, actual, limit=3):
    missing = expected - actual
    extra = actual - expected
    out = ["  %d rows missing from the workers, %d extra" % (sum(missing.values()), sum(extra.values()))]
    for label, bag in (("missing", missing), ("extra", extra)):
        for row in list(bag)[:limit]:
            out.append("  %s: %s" % (label, ",".join(row)[:300]))
    return "\n".join(out)


# Raw JSON text (not Python objects: 2.50 and 1e400 must reach ndflat as written).
DRIFT_LINES = [
    # a known event type with fields the schema has never seen (nested, array, big numbers)
    '{"metadata":{"event_name":"asset_accessed","event_time":"2024-09-03T23:59:59.999-0800",'
    '"request_id":"drift-%d","user_id":"21070000000000777","brand_new_meta":"x,\\"y\\"\\nz"},'
    '"body":{"asset_id":"21070000000000888","novel":{"deep":{"er":[1,2.50,{"k":null}]}},'
    '"huge":21070000000000000000001}}',
    # an event type the schema does not know at all
    '{"metadata":{"event_name":"totally_new_event","event_time":"2024-09-04T00:00:00+13:00",'
    '"request_id":"drift-%d"},"body":{"what":"ever","n":1e400}}',
    # an untrusted event name, an unparsable event_time, an empty body
    '{"metadata":{"event_name":"../etc/passwd","event_time":"not a time","request_id":"drift-%d"},"body":{}}',
    # a name that needs escaping in a directory, no event_time at all
    '{"metadata":{"event_name":"sp\u00e4\u00df = 100%%","request_id":"drift-%d"},"body":{"a":1}}',
]


def write_drift_file(path, copies=5):
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(copies):
            for line in DRIFT_LINES:
                json.loads(line % i)  # the test's own input must be valid JSON
                handle.write(line % i + "\n")


# --------------------------------------------------------------------------------------
# the test


def count_records(path):
    with open(path, "rb") as handle:
        return sum(1 for line in handle if line.strip())


def main():
    try:
        ndflat = find_ndflat()
    except CheckFailed as failure:
        print("spark_pipe_test: FAIL: %s" % failure, file=sys.stderr)
        return 1
    missing = missing_prerequisites()
    if missing:
        print("spark_pipe_test: SKIP: missing " + "; ".join(missing), file=sys.stderr)
        return SKIP

    n_files = int(os.environ.get("NDFLAT_SPARK_FILES", "6"))
    n_records = int(os.environ.get("NDFLAT_SPARK_RECORDS", "3000"))
    keep = os.environ.get("NDFLAT_KEEP_TMP") == "1"
    tmp = tempfile.mkdtemp(prefix="ndflat-spark-")
    spark = None
    failures = []
    try:
        export = os.path.join(tmp, "export")
        os.makedirs(export)
        generated = []
        for i in range(n_files):
            path = os.path.join(export, "events-%02d.ndjson" % i)
            run([sys.executable, GENERATOR, "--records", str(n_records), "--seed", str(1000 + i), "-o", path])
            generated.append(path)
        schema = os.path.join(tmp, "S.json")
        run([ndflat, "schema", "-q", "--json"] + generated + ["-o", schema])
        drift = os.path.join(export, "zz-drift.ndjson")
        write_drift_file(drift)
        inputs = generated + [drift]
        total_records = sum(count_records(p) for p in inputs)
        log("export: %d files, %d records, %.1f MB" % (
            len(inputs), total_records, sum(os.path.getsize(p) for p in inputs) / 1e6))

        header = csv_records(run([ndflat, "header", "--schema", schema]).stdout.decode("utf-8"))
        check(len(header) == 1, "`ndflat header` printed %d records, expected 1" % len(header))
        header = header[0]
        check(header[-1] == "_extra", "the header's last column is %r, expected _extra" % header[-1])
        width = len(header)

        # ---- single process ------------------------------------------------------------
        started = time.monotonic()
        single = run([ndflat, "-q", "--schema", schema, "--no-header"] + inputs)
        single_seconds = time.monotonic() - started
        single_rows = csv_records(single.stdout.decode("utf-8"))
        check(len(single_rows) == total_records,
              "single run wrote %d rows for %d records" % (len(single_rows), total_records))
        bad = [r for r in single_rows if len(r) != width]
        check(not bad, "single run: %d rows do not have the header's %d columns" % (len(bad), width))
        extra_index = width - 1
        # the schema covers the generated files, so only drift records may fill _extra;
        # at least the three with unknown fields must (the fourth has only `body: {}`)
        check("metadata.request_id" in header, "metadata.request_id is not a schema column")
        request_index = header.index("metadata.request_id")
        with_extra = [r for r in single_rows if r[extra_index]]
        strays = [r for r in with_extra if not r[request_index].startswith("drift-")]
        check(not strays, "%d generated records (inside the schema) have a non-empty _extra, e.g. %r"
              % (len(strays), strays[:1]))
        check(len(with_extra) >= 3 * 5, "expected the drift records' unknown fields in _extra, found %d "
              "rows with _extra" % len(with_extra))
        for row in with_extra:
            try:
                json.loads(row[extra_index])
            except ValueError as error:
                raise CheckFailed("_extra is not JSON (%s): %r" % (error, row[extra_index][:300]))

        # ---- Spark: RDD.pipe -----------------------------------------------------------
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ["PYSPARK_PYTHON"] = sys.executable
        os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
        from pyspark.sql import SparkSession

        started = time.monotonic()
        spark = (SparkSession.builder.master("local[2]").appName("ndflat-spark-pipe-test")
                 .config("spark.ui.enabled", "false")
                 .config("spark.ui.showConsoleProgress", "false")
                 .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
                 .config("spark.sql.session.timeZone", "UTC")
                 .config("spark.sql.shuffle.partitions", "2")
                 .getOrCreate())
        spark.sparkContext.setLogLevel("ERROR")
        sc = spark.sparkContext
        spark_start_seconds = time.monotonic() - started

        # RDD.pipe runs the command with exactly `env` as its environment (no PATH, no
        # HOME): absolute paths everywhere, and give it a PATH and a TMPDIR anyway.
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8",
               "TMPDIR": tempfile.gettempdir()}
        command = " ".join(shlex.quote(a) for a in [ndflat, "-q", "--schema", schema, "--no-header"])
        started = time.monotonic()
        # minPartitions above the file count: Hadoop also splits inside files (at line
        # boundaries), so some workers get a file's middle.
        lines = sc.textFile(export, minPartitions=2 * len(inputs))
        piped = lines.pipe(command, env=env, checkCode=True)
        # one string per worker: its whole stdout, lines re-joined (pipe splits on \n,
        # quoted CSV fields may hold \n, so parse only after joining)
        outputs = piped.glom().map(lambda part: "".join(line + "\n" for line in part)).collect()
        spark_seconds = time.monotonic() - started
        workers = len(outputs)
        spark_rows = []
        for index, text in enumerate(outputs):
            try:
                rows = csv_records(text)
            except csv.Error as error:
                raise CheckFailed("worker %d wrote output that is not valid CSV: %s" % (index, error))
            bad = [r for r in rows if len(r) != width]
            check(not bad, "worker %d: %d rows do not have the header's %d columns (first: %r)" % (
                index, len(bad), width, bad[:1]))
            spark_rows.extend(rows)
        expected_bag = collections.Counter(single_rows)
        actual_bag = collections.Counter(spark_rows)
        check(len(spark_rows) == len(single_rows),
              "Spark workers wrote %d rows, the single run %d" % (len(spark_rows), len(single_rows)))
        check(expected_bag == actual_bag,
              "the workers' rows differ from the single run's:\n" + diff_rows(expected_bag, actual_bag))
        log("RDD.pipe: %d rows from %d ndflat workers (%d input files) = single run, as multisets" % (
            len(spark_rows), workers, len(inputs)))

        # ---- partitioned tree ----------------------------------------------------------
        tree = os.path.join(tmp, "tree")
        started = time.monotonic()
        run([ndflat, "-q", "--partition-by", PARTITION_BY, "-o", tree] + inputs)
        partition_seconds = time.monotonic() - started
        part_files = []
        for directory, _, names in os.walk(tree):
            part_files += [os.path.join(directory, n) for n in names if n.endswith(".csv")]
        check(part_files, "--partition-by wrote no .csv file under %s" % tree)
        for path in part_files:
            relative = os.path.relpath(path, tree).split(os.sep)
            check(len(relative) == 3 and relative[0].startswith("event_name=") and
                  relative[1].startswith("date=") and re.fullmatch(r"part-\d{5}\.csv", relative[2]),
                  "unexpected file in the tree: %s" % os.path.relpath(path, tree))
            check(".." not in relative[0][len("event_name="):].split("/"),
                  "a partition value escaped its directory: %s" % path)
        tree_rows = 0
        for path in part_files:
            with open(path, encoding="utf-8", newline="") as handle:
                records = csv_records(handle.read())
            check(records and all(len(r) == len(records[0]) for r in records),
                  "%s: not every row has its header's width" % os.path.relpath(path, tree))
            tree_rows += len(records) - 1
        check(tree_rows == total_records, "the tree holds %d rows for %d records" % (tree_rows, total_records))
        expected = expected_partitions(inputs)
        check(sum(expected.values()) == total_records, "internal: expected counts do not add up")

        started = time.monotonic()
        frame = (spark.read.option("header", True).option("multiLine", True).option("escape", '"')
                 .csv(tree))
        spark_counts = collections.Counter()
        for row in frame.groupBy("event_name", "date").count().collect():
            key = (normalise_partition(row["event_name"]), normalise_partition(row["date"]))
            spark_counts[key] += row["count"]
        spark_read_seconds = time.monotonic() - started
        # count mismatches are collected, not raised at once, so DuckDB is still tried
        if spark_counts == expected:
            log("Spark read of the tree: %d rows in %d partitions, counts match the input" % (
                sum(spark_counts.values()), len(spark_counts)))
        else:
            failures.append("Spark's per-(event_name, date) counts of the tree differ from the input:\n" +
                            diff_counts(expected, spark_counts) + mojibake_hint(expected, spark_counts))

        # Spark's CSV reader maps columns by position (the first file's header names them
        # all), so only a tree whose files share one layout reads correctly: with --schema,
        # every file has the schema's header.  Check that and that values land in place.
        schema_tree = os.path.join(tmp, "tree-schema")
        started = time.monotonic()
        run([ndflat, "-q", "--schema", schema, "--partition-by", PARTITION_BY, "-o", schema_tree] + inputs)
        for directory, _, names in os.walk(schema_tree):
            for name in names:
                with open(os.path.join(directory, name), encoding="utf-8", newline="") as handle:
                    first = next(csv.reader(handle))
                check(tuple(first) == tuple(header), "--schema --partition-by: %s does not start with the schema's header"
                      % os.path.relpath(os.path.join(directory, name), schema_tree))
        from pyspark.sql import functions as F

        frame = (spark.read.option("header", True).option("multiLine", True).option("escape", '"')
                 .csv(schema_tree))
        schema_counts = collections.Counter()
        for row in frame.groupBy("event_name", "date").count().collect():
            schema_counts[(normalise_partition(row["event_name"]), normalise_partition(row["date"]))] += row["count"]
        if schema_counts != expected:
            failures.append("Spark's per-(event_name, date) counts of the --schema tree differ from the input:\n" +
                            diff_counts(expected, schema_counts) + mojibake_hint(expected, schema_counts))
        misplaced = (frame.filter(~F.col("`metadata.event_name`").eqNullSafe(F.col("event_name")))
                     .select("event_name", "`metadata.event_name`").collect())
        if misplaced:
            failures.append("Spark read of the --schema tree: %d rows whose metadata.event_name column differs from "
                            "their event_name partition, e.g. %r" % (len(misplaced), [tuple(r) for r in misplaced[:3]]))
        else:
            log("Spark read of the --schema tree: one layout, counts match, metadata.event_name = partition")
        schema_tree_seconds = time.monotonic() - started
        spark.stop()
        spark = None

        # ---- DuckDB --------------------------------------------------------------------
        import duckdb

        started = time.monotonic()
        con = duckdb.connect()
        pattern = os.path.join(tree, "*", "*", "*.csv").replace("'", "''")
        result = con.execute(
            "SELECT event_name, CAST(date AS VARCHAR) AS date, count(*) "
            "FROM read_csv('%s', hive_partitioning = true, union_by_name = true, header = true, "
            "all_varchar = true, quote = '\"', escape = '\"') GROUP BY ALL" % pattern).fetchall()
        con.close()
        duck_seconds = time.monotonic() - started
        duck_counts = collections.Counter()
        for name, day, count in result:
            duck_counts[(normalise_partition(name), normalise_partition(day))] += count
        if duck_counts == expected:
            log("DuckDB read of the tree (hive_partitioning): %d rows, counts match the input" % (
                sum(duck_counts.values())))
        else:
            failures.append("DuckDB's per-(event_name, date) counts of the tree differ from the input:\n" +
                            diff_counts(expected, duck_counts) + mojibake_hint(expected, duck_counts))

        print("figures:")
        print("  input                     %d files, %d records" % (len(inputs), total_records))
        print("  single ndflat process     %d rows in %.2f s" % (len(single_rows), single_seconds))
        print("  Spark local[2] RDD.pipe   %d rows from %d ndflat workers in %.2f s "
              "(+ %.2f s Spark start-up)" % (len(spark_rows), workers, spark_seconds, spark_start_seconds))
        print("  --partition-by            %d rows into %d files (%d partitions) in %.2f s" % (
            total_records, len(part_files), len(expected), partition_seconds))
        print("  Spark read of tree        %.2f s;  DuckDB read of tree  %.2f s" % (spark_read_seconds, duck_seconds))
        print("  --schema tree, written and read by Spark  %.2f s" % schema_tree_seconds)
        check(not failures, "\n".join(failures))
        log("OK")
        return 0
    except CheckFailed as failure:
        print("spark_pipe_test: FAIL: %s" % failure, file=sys.stderr, flush=True)
        return 1
    finally:
        if spark is not None:
            spark.stop()
        if keep:
            log("kept " + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
