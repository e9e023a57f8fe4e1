#!/usr/bin/env bash
# Peer comparison for ndflat (SPEC §5).
#
#   Benchmarks/compare.sh FILE [RUNS=3]
#
# Builds ndflat (release) and the yajl floor, installs missing peers (pip: duckdb orjson;
# apt: jq miller time), then for each workload runs every tool RUNS times, interleaved
# (round 1: every tool, round 2: every tool, ...) so machine drift hits all tools alike.
# Wall time is taken around each run; peak RSS comes from /usr/bin/time -f '%M'.
# Outputs go to a scratch directory under /tmp and are deleted after each run.
# Prints a Markdown table (median seconds, MB/s, peak RSS, ratio to ndflat) and the SPEC §5
# targets with the measured values.  A tool that fails shows "failed" in its cells; the run goes on.
#
# Environment knobs:
#   NDFLAT=PATH          use this ndflat binary (default: .build/release/ndflat, built here)
#   SKIP_BUILD=1         do not run swift build / gcc (use what is there)
#   NO_INSTALL=1         never install peers; missing ones show as "n/a"
#   WORKLOADS="W1 W2"    subset of W1 W2 W3 W4 W5 (default all; W5 = xlsx, peer pandas+openpyxl)
#   TOOLS="ndflat duckdb" only tools whose name starts with one of these words
#   TIMEOUT=1800         seconds per single run before it counts as failed
#   MILLER_W1_MAX_MB=200 skip Miller's W1 (unsparsify holds everything, ~33x the input in RAM) above this
#   JQ_W3_MAX_MB=50      skip jq's W3 (leaf_paths is ~3 MB/s) above this
#   DUCKDB_THREADS=2     DuckDB's threads setting
#   KEEP_OUTPUTS=1       keep the first round's outputs in the scratch directory
set -u -o pipefail

usage() { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
case "$1" in -h|--help) usage ;; esac

FILE=$(readlink -f -- "$1")
RUNS=${2:-3}
[ -r "$FILE" ] || { echo "compare.sh: cannot read $1" >&2; exit 2; }
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: RUNS must be a positive integer" >&2; exit 2; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
WORKLOADS=${WORKLOADS:-"W1 W2 W3 W4 W5"}
TIMEOUT=${TIMEOUT:-1800}
MILLER_W1_MAX_MB=${MILLER_W1_MAX_MB:-200}
JQ_W3_MAX_MB=${JQ_W3_MAX_MB:-50}
DUCKDB_THREADS=${DUCKDB_THREADS:-2}
NCPU=$(nproc)
SIZE_BYTES=$(stat -c %s "$FILE")
SIZE_MB=$(( SIZE_BYTES / 1000000 ))
SCRATCH=$(mktemp -d /tmp/ndflat-compare.XXXXXX)
RESULTS="$SCRATCH/results.tsv"
NOTES="$SCRATCH/notes.txt"
: >"$RESULTS"; : >"$NOTES"
cleanup() { [ "${KEEP_OUTPUTS:-0}" = 1 ] || rm -rf "$SCRATCH"; }
trap cleanup EXIT
trap 'echo "compare.sh: interrupted" >&2; exit 130' INT TERM

log() { echo "compare.sh: $*" >&2; }
note() { echo "$*" >>"$NOTES"; }

# ---------------------------------------------------------------------------- setup

APT_UPDATED=0
apt_install() { # apt_install PKG...
  [ "${NO_INSTALL:-0}" = 1 ] && return 1
  command -v apt-get >/dev/null || return 1
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo -n"
  if [ $APT_UPDATED = 0 ]; then $sudo apt-get update -qq >/dev/null 2>&1; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null 2>&1
}

if [ ! -x /usr/bin/time ]; then
  log "installing GNU time"; apt_install time || { log "need /usr/bin/time (apt-get install time)"; exit 1; }
fi
command -v timeout >/dev/null || { log "need coreutils timeout"; exit 1; }

if ! python3 -c 'import duckdb, orjson' 2>/dev/null; then
  if [ "${NO_INSTALL:-0}" != 1 ]; then
    log "installing duckdb/orjson with pip"
    python3 -m pip install -q duckdb orjson >/dev/null 2>&1 ||
      python3 -m pip install -q --break-system-packages duckdb orjson >/dev/null 2>&1 ||
      log "pip install duckdb orjson failed"
  fi
fi
HAVE_DUCKDB=0; python3 -c 'import duckdb' 2>/dev/null && HAVE_DUCKDB=1
HAVE_ORJSON=0; python3 -c 'import orjson' 2>/dev/null && HAVE_ORJSON=1
command -v jq >/dev/null || { log "installing jq"; apt_install jq || true; }
command -v mlr >/dev/null || { log "installing miller"; apt_install miller || true; }
HAVE_JQ=0; command -v jq >/dev/null && HAVE_JQ=1
HAVE_MLR=0; command -v mlr >/dev/null && HAVE_MLR=1

NDFLAT=${NDFLAT:-$ROOT/.build/release/ndflat}
HAVE_NDFLAT=0
if [ "${SKIP_BUILD:-0}" != 1 ] && [ "$NDFLAT" = "$ROOT/.build/release/ndflat" ]; then
  if command -v swift >/dev/null; then
    log "swift build -c release --product ndflat"
    if ! swift build -c release --product ndflat >"$SCRATCH/swift-build.log" 2>&1; then
      log "swift build failed (last lines below); ndflat rows will read n/a"
      tail -n 15 "$SCRATCH/swift-build.log" >&2
      note "- ndflat: \`swift build -c release --product ndflat\` failed, so ndflat was not measured."
      NDFLAT=""
    fi
  else
    log "swift not found; ndflat rows will read n/a"; NDFLAT=""
  fi
fi
if [ -n "$NDFLAT" ] && [ -x "$NDFLAT" ]; then HAVE_NDFLAT=1
else
  [ -n "$NDFLAT" ] && note "- ndflat: no binary at \`$NDFLAT\`, so ndflat was not measured."
fi

FLOOR="$SCRATCH/yajl-floor"
HAVE_FLOOR=0
if gcc -O2 -o "$FLOOR" Benchmarks/yajl-floor.c -lyajl 2>"$SCRATCH/gcc.log"; then HAVE_FLOOR=1
else log "yajl floor did not build (apt-get install libyajl-dev?)"; cat "$SCRATCH/gcc.log" >&2; fi

ORJSON_PEER="$ROOT/Benchmarks/peers/orjson_flatten.py"
FIELDS="metadata.event_name,metadata.event_time,metadata.user_id,metadata.context_id,metadata.request_id,body.status"
JQ_FIELDS='[.metadata.event_name, .metadata.event_time, .metadata.user_id, .metadata.context_id, .metadata.request_id, .body.status]'
DUCK_SCHEMA="columns={metadata: 'STRUCT(event_name VARCHAR, event_time VARCHAR, user_id VARCHAR, context_id VARCHAR, request_id VARCHAR)', body: 'STRUCT(status VARCHAR)'}"
DUCK_SELECT="metadata.event_name AS \"metadata.event_name\", metadata.event_time AS \"metadata.event_time\", metadata.user_id AS \"metadata.user_id\", metadata.context_id AS \"metadata.context_id\", metadata.request_id AS \"metadata.request_id\", body.status AS \"body.status\""
SQLFILE=${FILE//\'/\'\'}
DUCK_PY="import duckdb, sys
c = duckdb.connect()
c.execute('SET threads=$DUCKDB_THREADS')
c.execute(sys.argv[1])"

q() { printf '%q' "$1"; }

# ------------------------------------------------------------------------- workloads
# Each tool is "name<TAB>command"; the command writes its output to $OUT (a path under $SCRATCH).

declare -a T_NAMES T_CMDS
wanted() { # wanted NAME: is the tool selected by $TOOLS?
  [ -n "${TOOLS:-}" ] || return 0
  local w; for w in $TOOLS; do [[ "$1" == "$w"* ]] && return 0; done
  return 1
}
add() { # add NAME COMMAND   (COMMAND may use the literal text @OUT@ for the output path)
  wanted "$1" || return 0
  T_NAMES+=("$1"); T_CMDS+=("$2")
}
unavailable() { wanted "$1" || return 0; T_NAMES+=("$1"); T_CMDS+=("@NA@ $2"); }

ndflat_variants() { # ndflat_variants ARGS...  -> ndflat (default -j), ndflat -j 1, ndflat -j 2 if default != 2
  local args=$*
  if [ $HAVE_NDFLAT = 1 ]; then
    add "ndflat" "$(q "$NDFLAT") -q $args"
    add "ndflat -j 1" "$(q "$NDFLAT") -q -j 1 $args"
    [ "$NCPU" = 2 ] || add "ndflat -j 2" "$(q "$NDFLAT") -q -j 2 $args"
  else
    unavailable "ndflat" "not built"
  fi
}

setup_workload() {
  T_NAMES=(); T_CMDS=()
  local F; F=$(q "$FILE")
  case $1 in
  W1)
    ndflat_variants "$F -o @OUT@.csv"
    if [ $HAVE_DUCKDB = 1 ]; then
      add "duckdb" "python3 -c $(q "$DUCK_PY") $(q "COPY (SELECT * FROM read_json('$SQLFILE', format='newline_delimited')) TO '@OUT@.csv' (HEADER)")"
    else unavailable duckdb "not installed"; fi
    if [ $HAVE_MLR = 1 ]; then
      if [ "$SIZE_MB" -le "$MILLER_W1_MAX_MB" ]; then
        add "miller" "mlr --ijsonl --ocsv --allow-ragged-csv-input unsparsify $F > @OUT@.csv"
      else
        unavailable "miller" "skipped"
        note "- W1 Miller skipped: the file is ${SIZE_MB} MB > ${MILLER_W1_MAX_MB} MB and \`unsparsify\` keeps every record in memory (~33x the input). Set MILLER_W1_MAX_MB to force it."
      fi
    else unavailable miller "not installed"; fi
    if [ $HAVE_ORJSON = 1 ]; then add "python+orjson" "python3 $(q "$ORJSON_PEER") $F -o @OUT@.csv"
    else unavailable "python+orjson" "not installed"; fi
    ;;
  W2)
    ndflat_variants "-f $FIELDS $F -o @OUT@.csv"
    if [ $HAVE_DUCKDB = 1 ]; then
      add "duckdb (schema)" "python3 -c $(q "$DUCK_PY") $(q "COPY (SELECT $DUCK_SELECT FROM read_json('$SQLFILE', format='newline_delimited', $DUCK_SCHEMA)) TO '@OUT@.csv' (HEADER)")"
    else unavailable "duckdb (schema)" "not installed"; fi
    if [ $HAVE_JQ = 1 ]; then add "jq" "jq -r $(q "$JQ_FIELDS | @csv") $F > @OUT@.csv"
    else unavailable jq "not installed"; fi
    if [ $HAVE_MLR = 1 ]; then add "miller" "mlr --ijsonl --ocsv flatten then template -f $FIELDS $F > @OUT@.csv"
    else unavailable miller "not installed"; fi
    if [ $HAVE_ORJSON = 1 ]; then add "python+orjson" "python3 $(q "$ORJSON_PEER") -f $FIELDS $F -o @OUT@.csv"
    else unavailable "python+orjson" "not installed"; fi
    if [ $HAVE_FLOOR = 1 ]; then add "yajl floor" "$(q "$FLOOR") $F > @OUT@.txt"
    else unavailable "yajl floor" "not built"; fi
    ;;
  W3)
    ndflat_variants "--format json $F -o @OUT@.ndjson"
    if [ $HAVE_ORJSON = 1 ]; then add "python+orjson" "python3 $(q "$ORJSON_PEER") --format json $F -o @OUT@.ndjson"
    else unavailable "python+orjson" "not installed"; fi
    if [ $HAVE_JQ = 1 ]; then
      if [ "$SIZE_MB" -le "$JQ_W3_MAX_MB" ]; then
        add "jq" "jq -c $(q '[leaf_paths as $p | {($p|map(tostring)|join(".")): getpath($p)}] | add') $F > @OUT@.ndjson"
      else
        unavailable jq "skipped"
        note "- W3 jq skipped: the file is ${SIZE_MB} MB > ${JQ_W3_MAX_MB} MB (leaf_paths runs at a few MB/s). Set JQ_W3_MAX_MB to force it."
      fi
    else unavailable jq "not installed"; fi
    ;;
  W4)
    ndflat_variants "--where metadata.event_name=asset_accessed -f $FIELDS $F -o @OUT@.csv"
    if [ $HAVE_DUCKDB = 1 ]; then
      add "duckdb (schema)" "python3 -c $(q "$DUCK_PY") $(q "COPY (SELECT $DUCK_SELECT FROM read_json('$SQLFILE', format='newline_delimited', $DUCK_SCHEMA) WHERE metadata.event_name = 'asset_accessed') TO '@OUT@.csv' (HEADER)")"
    else unavailable "duckdb (schema)" "not installed"; fi
    if [ $HAVE_JQ = 1 ]; then add "jq" "jq -r $(q "select(.metadata.event_name == \"asset_accessed\") | $JQ_FIELDS | @csv") $F > @OUT@.csv"
    else unavailable jq "not installed"; fi
    if [ $HAVE_MLR = 1 ]; then add "miller" "mlr --ijsonl --ocsv filter $(q '$metadata["event_name"] == "asset_accessed"') then flatten then template -f $FIELDS $F > @OUT@.csv"
    else unavailable miller "not installed"; fi
    if [ $HAVE_ORJSON = 1 ]; then add "python+orjson" "python3 $(q "$ORJSON_PEER") --where metadata.event_name=asset_accessed -f $FIELDS $F -o @OUT@.csv"
    else unavailable "python+orjson" "not installed"; fi
    ;;
  W5) w5_workload "$F" ;;
  esac
}

# run_one WORKLOAD ROUND INDEX -> appends "W<TAB>tool<TAB>round<TAB>status<TAB>secs<TAB>rss_kb<TAB>out_bytes"
run_one() {
  local w=$1 round=$2 i=$3 name=${T_NAMES[$3]} cmd=${T_CMDS[$3]}
  if [[ "$cmd" == "@NA@ "* ]]; then
    [ "$round" = 1 ] && printf '%s\t%s\t%s\t%s\t\t\t\n' "$w" "$name" "$round" "${cmd#@NA@ }" >>"$RESULTS"
    return
  fi
  local slug; slug=$(echo "$w-$name" | tr -c 'A-Za-z0-9\n-' '_')
  local out="$SCRATCH/out-$slug" tf="$SCRATCH/time.txt" ef="$SCRATCH/err-$slug.txt"
  rm -f "$out".* "$tf"
  cmd=${cmd//@OUT@/$out}
  local t0 t1 rc
  t0=$(date +%s%N)
  /usr/bin/time -f '%e %M' -o "$tf" timeout "$TIMEOUT" bash -c "$cmd" >/dev/null 2>"$ef"
  rc=$?
  t1=$(date +%s%N)
  local secs rss bytes status=ok
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  rss=$(tail -n 1 "$tf" 2>/dev/null | awk '{ print $2 }')
  bytes=$(stat -c %s "$out".* 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
  if [ $rc = 124 ]; then status="failed (timeout ${TIMEOUT}s)"
  elif [ $rc != 0 ]; then status="failed (exit $rc)"; fi
  if [ "$status" != ok ] && [ "$round" = 1 ]; then
    log "$w $name: $status; stderr:"; head -n 5 "$ef" | sed 's/^/    /' >&2
    note "- $w $name: $status — \`$(head -n 1 "$ef" | cut -c1-160)\`"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$w" "$name" "$round" "$status" "$secs" "${rss:-}" "$bytes" >>"$RESULTS"
  log "$(printf '%s r%s/%s  %-16s %8ss  %6s MiB  %s' "$w" "$round" "$RUNS" "$name" "$secs" "$(( ${rss:-0} / 1024 ))" "$status")"
  if [ "${KEEP_OUTPUTS:-0}" = 1 ] && [ "$round" = 1 ]; then :; else rm -f "$out".*; fi
}

# ------------------------------------------------------------------------------- W5
# W5: the 6 fields of W2, and all columns, to .xlsx (issue 8). Peer: pandas
# DataFrame.to_excel with the openpyxl engine on the same 6 fields
# (Benchmarks/xlsx_peer.py); it holds everything in memory. Target: >= 10x faster.
XLSX_PEER="$ROOT/Benchmarks/xlsx_peer.py"
HAVE_PANDAS=0
if [[ " $WORKLOADS " == *" W5 "* ]]; then
  if ! python3 -c 'import pandas, openpyxl' 2>/dev/null && [ "${NO_INSTALL:-0}" != 1 ]; then
    log "installing pandas/openpyxl with pip"
    python3 -m pip install -q pandas openpyxl >/dev/null 2>&1 ||
      python3 -m pip install -q --break-system-packages pandas openpyxl >/dev/null 2>&1 ||
      log "pip install pandas openpyxl failed"
  fi
  python3 -c 'import pandas, openpyxl' 2>/dev/null && HAVE_PANDAS=1
  [ $HAVE_PANDAS = 1 ] && note "- W5 pandas+openpyxl: Benchmarks/xlsx_peer.py (json.loads per line, DataFrame, to_excel engine=openpyxl) on the 6 fields; everything is held in memory."
  note "- W5 ndflat writes through libxlsxwriter in constant-memory mode; the last part of each run (zip deflate of the sheet XML) is single-threaded, so -j helps less than in W1-W4."
fi
w5_workload() { # w5_workload QUOTED_FILE
  ndflat_variants "--format xlsx -f $FIELDS $1 -o @OUT@.xlsx"
  if [ $HAVE_NDFLAT = 1 ]; then add "ndflat all columns" "$(q "$NDFLAT") -q --format xlsx $1 -o @OUT@.xlsx"; fi
  if [ $HAVE_PANDAS = 1 ]; then add "pandas+openpyxl" "python3 $(q "$XLSX_PEER") -f $FIELDS $1 -o @OUT@.xlsx"
  else unavailable "pandas+openpyxl" "not installed"; fi
}

log "file: $FILE ($SIZE_MB MB), runs: $RUNS, cores: $NCPU, workloads: $WORKLOADS"
cat "$FILE" >/dev/null # warm the page cache so round 1 of the first tool is not penalised
for w in $WORKLOADS; do
  case $w in W1|W2|W3|W4|W5) ;; *) log "unknown workload $w"; continue ;; esac
  setup_workload "$w"
  for ((round = 1; round <= RUNS; round++)); do
    for ((i = 0; i < ${#T_NAMES[@]}; i++)); do run_one "$w" "$round" "$i"; done
  done
done

# --------------------------------------------------------------------------- report
[ $HAVE_DUCKDB = 1 ] && note "- DuckDB \`read_json\` flattens only the top level: W1's CSV has one \`metadata\` column holding a STRUCT rendered as text and one \`body\` column (MAP of JSON) — that is its real behaviour for this data. threads=$DUCKDB_THREADS."
[ $HAVE_ORJSON = 1 ] && note "- python+orjson: Benchmarks/peers/orjson_flatten.py (W1 = 2 passes for the column union). Numbers go through int/float, so number text is not kept exactly."
[ $HAVE_JQ = 1 ] && note "- jq: \`@csv\` per record; jq's W3 \`leaf_paths\` drops null/false leaves and indexes arrays, so its output is not equivalent."
[ $HAVE_MLR = 1 ] && note "- Miller: W2/W4 use \`flatten then template -f …\` (streaming); W1 \`unsparsify\` is not streaming."

python3 - "$RESULTS" "$NOTES" "$SIZE_BYTES" "$FILE" "$RUNS" "$NCPU" <<'PY'
import statistics, sys
from collections import OrderedDict

results, notes, size, path, runs, ncpu = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], int(sys.argv[6])
rows = OrderedDict()
for line in open(results, encoding="utf-8"):
    w, tool, rnd, status, secs, rss, nbytes = line.rstrip("\n").split("\t")
    r = rows.setdefault((w, tool), {"status": None, "secs": [], "rss": [], "bytes": None})
    if status != "ok":
        r["status"] = r["status"] or status
        continue
    r["secs"].append(float(secs))
    if rss:
        r["rss"].append(int(rss))
    if r["bytes"] is None and nbytes:
        r["bytes"] = int(nbytes)

def med(r):
    return statistics.median(r["secs"]) if r["secs"] and not r["status"] else None

mb = size / 1e6
print()
print("## ndflat peer comparison")
print()
print("File: `%s`, %.1f MB; %s runs per tool, interleaved; %d cores; median wall time." % (path, mb, runs, ncpu))
print("Ratio = tool time / ndflat time (ndflat at its default `-j`): above 1 means slower than ndflat.")
print()
print("| workload | tool | median s | MB/s | peak RSS MiB | ratio vs ndflat | output MB |")
print("|---|---|---:|---:|---:|---:|---:|")
meds = {}
for (w, tool), r in rows.items():
    m = med(r)
    meds[(w, tool)] = m
for (w, tool), r in rows.items():
    m = meds[(w, tool)]
    if m is None:
        st = r["status"] or "failed"
        print("| %s | %s | %s | | | | |" % (w, tool, "failed" if st.startswith("failed") else st))
        continue
    base = meds.get((w, "ndflat"))
    ratio = "%.2f" % (m / base) if base else "n/a"
    rss = "%.1f" % (max(r["rss"]) / 1024) if r["rss"] else "?"
    out = "%.1f" % (r["bytes"] / 1e6) if r["bytes"] is not None else ""
    print("| %s | %s | %.3f | %.1f | %s | %s | %s |" % (w, tool, m, mb / m if m > 0 else 0, rss, ratio, out))

def get(w, tool):
    return meds.get((w, tool))

def peak(w, tool):
    r = rows.get((w, tool))
    return max(r["rss"]) / 1024 if r and r["rss"] and not r["status"] else None

checks = []
def ratio_check(label, num, den, op, target):
    if num is None or den is None or den == 0:
        checks.append((label, "n/a", "—"))
        return
    v = num / den
    ok = v >= target if op == ">=" else (v > target if op == ">" else v <= target)
    checks.append((label, "%.2f×" % v, "PASS" if ok else "FAIL"))

jmax = "ndflat" if ncpu == 2 else "ndflat -j 2"
ratio_check("W1 DuckDB / ndflat ≥ 8×", get("W1", "duckdb"), get("W1", "ndflat"), ">=", 8)
ratio_check("W2 DuckDB (schema) / ndflat > 1×", get("W2", "duckdb (schema)"), get("W2", "ndflat"), ">", 1)
ratio_check("W2 ndflat -j 1 / yajl floor ≤ 1.3×", get("W2", "ndflat -j 1"), get("W2", "yajl floor"), "<=", 1.3)
ratio_check("W3 python+orjson / ndflat ≥ 3×", get("W3", "python+orjson"), get("W3", "ndflat"), ">=", 3)
ratio_check("W4 DuckDB (schema) / ndflat ≥ 2×", get("W4", "duckdb (schema)"), get("W4", "ndflat"), ">=", 2)
ratio_check("W5 pandas+openpyxl / ndflat (6 fields, xlsx) ≥ 10×", get("W5", "pandas+openpyxl"), get("W5", "ndflat"), ">=", 10)
for w in ("W1", "W2", "W3", "W4"):
    if (w, "ndflat -j 1") in rows:
        ratio_check("%s ndflat -j 1 / -j 2 ≥ 1.7×" % w, get(w, "ndflat -j 1"), get(w, jmax), ">=", 1.7)
for (w, tool) in rows:
    if tool.startswith("ndflat"):
        p = peak(w, tool)
        if p is None:
            checks.append(("%s %s peak RSS < 64 MiB" % (w, tool), "n/a", "—"))
        else:
            checks.append(("%s %s peak RSS < 64 MiB" % (w, tool), "%.1f MiB" % p, "PASS" if p < 64 else "FAIL"))

print()
print("### SPEC §5 targets")
print()
print("| target | measured | |")
print("|---|---:|---|")
for label, v, verdict in checks:
    print("| %s | %s | %s |" % (label, v, verdict))

note_lines = [l.rstrip("\n") for l in open(notes, encoding="utf-8") if l.strip()]
if note_lines:
    print()
    print("### Notes")
    print()
    for l in dict.fromkeys(note_lines):
        print(l)
PY
