#!/usr/bin/env bash
# Peak memory of `pipewright validate` on a 23 MB definition (5,000 stages of 50 actions):
# generates the file in a temp folder, runs the binary under `/usr/bin/time -v` and prints
# its peak RSS against the file size. The budget is 10x the file size.
#
# Usage: benches/validate_rss.sh [BINARY]   (default: target/release/pipewright, built with
# `${CARGO:-cargo} build --release --bin pipewright` when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-target/release/pipewright}
if [ ! -x "$binary" ]; then
    "${CARGO:-cargo}" build --release --bin pipewright
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
file="$dir/huge.pipeline.ron"
awk 'BEGIN {
    print "(name: \"huge\", stages: ["
    for (s = 1; s <= 5000; s++) {
        printf "    (name: \"Stage-%04d\", actions: [\n", s
        for (a = 1; a <= 50; a++) {
            printf "      (name: \"S%04d-%02d\", category: Build, provider: Commands(commands: [\"make %04d-%02d\"])),\n", s, a, s, a
        }
        print "    ]),"
    }
    print "])"
}' > "$file"
size=$(stat -c %s "$file")
# The definition breaks the stage and action limits: validate exits 1 after reporting them.
/usr/bin/time -v "$binary" validate "$file" > "$dir/out.txt" 2> "$dir/time.txt" || true
head -c 600 "$dir/out.txt"
peak_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/time.txt")
seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$dir/time.txt")
awk -v size="$size" -v peak="$peak_kb" -v took="$seconds" 'BEGIN {
    printf "definition: %.1f MB; validate peak RSS: %.1f MB (%.1fx the file, budget 10x); wall %s\n",
        size / 1e6, peak * 1024 / 1e6, peak * 1024 / size, took
}'
