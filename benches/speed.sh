#!/usr/bin/env bash
# Issue 12's speed figures, side by side in one run with GNU make doing the same work:
#   W1: 50 sequential `true` actions vs a Makefile of the same 50 commands (target <= 1.25x);
#   W3: four stages passing a 2,000-file artifact vs a Makefile of W3's steps (target <= 1.3x);
#   W1 through a client (a `pipewright serve` hosts) vs W1 hosted by `run` itself (<= 1.1x);
#   start-up: `pipewright run` of one `true` action vs a one-target make (target <= 2x), and the
#   bare process start (`pipewright --version`) for reference.
# Needs a release build and hyperfine:
#   cargo build --release && apt-get install -y hyperfine make && bash benches/speed.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${PIPEWRIGHT:-$root/target/release/pipewright}
runs=${RUNS:-30}
ws=$(mktemp -d /tmp/pipewright-speed.XXXXXX)
serve_pid=
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  chmod -R u+w "$ws" 2>/dev/null
  rm -rf "$ws"
}
trap cleanup EXIT
cp "$root"/benches/pipelines/w1-sequence.pipeline.ron "$root"/benches/pipelines/w3-artifacts.pipeline.ron "$ws"/
cat > "$ws/one.pipeline.ron" <<'RON'
(name: "one", stages: [(name: "S", actions: [(name: "True", category: Build, provider: Commands(commands: ["true"]))])])
RON
mkdir -p "$ws/data"
for i in $(seq 1 2000); do
  mkdir -p "$ws/data/d$((i % 20))"
  printf 'file %s\n' "$i" > "$ws/data/d$((i % 20))/f$i.txt"
done
{
  printf 'all:\n'
  for _ in $(seq 50); do printf '\ttrue\n'; done
} > "$ws/w1.mk"
printf 'all:\n\ttrue\n' > "$ws/one.mk"
# W3's steps as make targets, each a file the next one needs (as make users write them).
cat > "$ws/w3.mk" <<'MK'
W := w3-make
all: $(W)/deployed
$(W)/source: ; rm -rf $(W) && mkdir -p $(W) && cp -R data $(W)/source
$(W)/data.tar: $(W)/source ; cd $(W)/source && tar -cf ../data.tar .
$(W)/reports/junit.xml: $(W)/data.tar
	mkdir -p $(W)/unpacked && tar -xf $(W)/data.tar -C $(W)/unpacked
	n=$$(find $(W)/unpacked -type f | wc -l) && test "$$n" -eq 2000
	mkdir -p $(W)/reports && printf '<testsuite name="count" tests="1"><testcase name="2000 files"/></testsuite>' > $@
$(W)/deployed: $(W)/reports/junit.xml
	rm -rf $@ && mkdir -p $@ && tar -xf $(W)/data.tar -C $@
MK
cd "$ws"
clean='sh -c "chmod -R u+w .pipewright/runs 2>/dev/null; rm -rf .pipewright/runs w3-make"'

echo "== W1: 50 sequential true actions vs make (target <= 1.25x)"
hyperfine -N --warmup 3 --runs "$runs" --prepare "$clean" --export-json w1.json \
  "$bin run w1-sequence.pipeline.ron" "make -s -f w1.mk"

echo "== W3: a 2,000-file artifact through four stages vs make (target <= 1.3x)"
hyperfine -N --warmup 2 --runs "$runs" --prepare "$clean" --export-json w3.json \
  "$bin run w3-artifacts.pipeline.ron" "make -s -f w3.mk"

echo "== start-up: one true action vs a one-target make (target <= 2x)"
hyperfine -N --warmup 5 --runs "$((runs * 2))" --prepare "$clean" --export-json start.json \
  "$bin run one.pipeline.ron" "make -s -f one.mk" "$bin --version"

echo "== W1 through a client of a running host vs hosted by run itself (target <= 1.1x)"
"$bin" serve . > serve.log 2>&1 &
serve_pid=$!
for _ in $(seq 100); do grep -q . serve.log 2>/dev/null && break; sleep 0.05; done
sleep 0.5
hyperfine -N --warmup 3 --runs "$runs" --export-json client.json \
  "$bin run w1-sequence.pipeline.ron"
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true; serve_pid=

echo "== summary (mean)"
python3 - <<'PY'
import json
def means(name):
    return [r["mean"] for r in json.load(open(name))["results"]]
w1 = means("w1.json"); w3 = means("w3.json"); st = means("start.json"); cl = means("client.json")
print(f"W1 pipewright {w1[0]*1000:.1f} ms, make {w1[1]*1000:.1f} ms: {w1[0]/w1[1]:.2f}x (target <= 1.25x)")
print(f"W3 pipewright {w3[0]*1000:.1f} ms, make {w3[1]*1000:.1f} ms: {w3[0]/w3[1]:.2f}x (target <= 1.3x)")
print(f"start-up: run of one action {st[0]*1000:.2f} ms, make of one target {st[1]*1000:.2f} ms: {st[0]/st[1]:.2f}x (target <= 2x); --version {st[2]*1000:.2f} ms")
print(f"W1 through a client {cl[0]*1000:.1f} ms vs hosted {w1[0]*1000:.1f} ms: {cl[0]/w1[0]:.2f}x (target <= 1.1x)")
PY
