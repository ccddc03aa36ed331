#!/usr/bin/env bash
# Idle CPU of the app (issue 5): the real window under Xvfb, opened on the demo, with the
# pointer resting over the canvas; CPU time used over 10 idle seconds, from /proc.
#   cargo build --release && bash benches/idle_cpu.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${PIPEWRIGHT:-$root/target/release/pipewright}
command -v Xvfb >/dev/null && command -v xdotool >/dev/null ||
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xvfb xdotool libgl1-mesa-dri libegl1 >/dev/null)
home=$(mktemp -d)
display=:$((500 + RANDOM % 300))
Xvfb "$display" -screen 0 1440x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $app $xvfb 2>/dev/null; rm -rf "$home"' EXIT
sleep 1
HOME=$home DISPLAY=$display XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp} "$bin" > "$home/app.log" 2>&1 &
app=$!
sleep 8
DISPLAY=$display xdotool mousemove 640 450
sleep 2
ticks() { awk '{print $14 + $15}' "/proc/$app/stat"; }
hz=$(getconf CLK_TCK)
before=$(ticks)
sleep 10
after=$(ticks)
echo "idle CPU over 10 s: $(( (after - before) * 1000 / hz )) ms of CPU time ($(awk "BEGIN {printf \"%.2f\", ($after - $before) * 100 / $hz / 10}")% of one core)"
DISPLAY=$display xdotool mousemove 600 400 sleep 0.1 mousemove 700 460 sleep 0.1 mousemove 650 430
before=$(ticks)
for _ in $(seq 20); do DISPLAY=$display xdotool mousemove_relative 5 0; sleep 0.05; DISPLAY=$display xdotool mousemove_relative -- -5 0; sleep 0.05; done
after=$(ticks)
echo "for comparison, moving the pointer over the canvas for 2 s: $(( (after - before) * 1000 / hz )) ms of CPU time"
