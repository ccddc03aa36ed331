#!/usr/bin/env bash
# Engine benchmarks W1–W4 (issue 3), each side by side with its baseline, whole
# `pipewright run` process included. Needs a release build and hyperfine:
#   cargo build --release && apt-get install -y hyperfine time && bash benches/run.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${PIPEWRIGHT:-$root/target/release/pipewright}
runs=${RUNS:-20}
ws=$(mktemp -d /tmp/pipewright-bench.XXXXXX)
trap 'chmod -R u+w "$ws" 2>/dev/null; rm -rf "$ws"' EXIT
cp "$root"/benches/pipelines/*.pipeline.ron "$ws"/
mkdir -p "$ws/data"
for i in $(seq 1 2000); do
  mkdir -p "$ws/data/d$((i % 20))"
  printf 'file %s\n' "$i" > "$ws/data/d$((i % 20))/f$i.txt"
done
cd "$ws"
clean_runs='chmod -R u+w .pipewright/runs 2>/dev/null; rm -rf .pipewright/runs'

echo "== W1: 50 actions in sequence, each true (target: <= 1.25x, < 2 ms overhead per action)"
hyperfine -N --warmup 3 --runs "$runs" --prepare "sh -c '$clean_runs'" --export-json w1.json \
  "$bin run w1-sequence.pipeline.ron" \
  "sh -c 'for i in \$(seq 50); do sh -c true; done'"

echo "== W2: 50 parallel actions of sleep 0.2, then one final action (target: < 0.35 s)"
hyperfine -N --warmup 2 --runs "$runs" --prepare "sh -c '$clean_runs'" --export-json w2.json \
  "$bin run w2-parallel.pipeline.ron"

echo "== W3: 2,000 files through source, build (tar), test (count, JUnit), deploy (target: <= 1.3x)"
hyperfine -N --warmup 2 --runs "$runs" --prepare "sh -c '$clean_runs'" --export-json w3.json \
  "$bin run w3-artifacts.pipeline.ron" \
  "sh $root/benches/w3-baseline.sh $ws"

echo "== W4: 100 MB of log (targets: engine peak RSS < 64 MB, wall time < 2x of writing to /dev/null)"
echo "   (reference lines: the same bytes piped to cat, and written to a file by cat, on this disk)"
yes_cmd="yes 'Pipewright keeps every line of every log, and this one is eighty characters.' | head -c 100000000"
hyperfine -N --warmup 1 --runs 10 --prepare "sh -c '$clean_runs; rm -f cat-out.txt'" --export-json w4.json \
  "$bin run w4-big-log.pipeline.ron" \
  "sh -c \"$yes_cmd > /dev/null\"" \
  "sh -c \"$yes_cmd | cat > /dev/null\"" \
  "sh -c \"$yes_cmd | cat > cat-out.txt\""
rm -f cat-out.txt
sh -c "$clean_runs"
/usr/bin/time -f 'W4 peak RSS of pipewright run: %M KiB' "$bin" run w4-big-log.pipeline.ron > /dev/null
log=$(find .pipewright/runs -name 'Print~Yes~1.log' | head -1)
echo "W4 log kept: $(wc -c < "$log") bytes, $(grep -c ' o ' "$log") output lines"

echo "== summary (mean seconds)"
python3 - <<'PY'
import json
def means(name):
    data = json.load(open(name))["results"]
    return [r["mean"] for r in data]
w1 = means("w1.json"); w3 = means("w3.json"); w4 = means("w4.json"); w2 = means("w2.json")
print(f"W1 pipewright {w1[0]*1000:.1f} ms, shell loop {w1[1]*1000:.1f} ms: {w1[0]/w1[1]:.2f}x, {(w1[0]-w1[1])*1000/50:.2f} ms overhead per action")
print(f"W2 pipewright {w2[0]*1000:.1f} ms")
print(f"W3 pipewright {w3[0]*1000:.1f} ms, shell script {w3[1]*1000:.1f} ms: {w3[0]/w3[1]:.2f}x")
print(f"W4 pipewright {w4[0]*1000:.1f} ms, to /dev/null {w4[1]*1000:.1f} ms: {w4[0]/w4[1]:.2f}x; "
      f"piped to cat {w4[2]*1000:.1f} ms ({w4[2]/w4[1]:.2f}x), cat into a file {w4[3]*1000:.1f} ms ({w4[3]/w4[1]:.2f}x)")
PY
