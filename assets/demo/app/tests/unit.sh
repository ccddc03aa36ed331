#!/bin/sh
# Checks every page for a title and a stylesheet, and writes reports/unit.xml (JUnit).
set -u
mkdir -p reports
cases=""
count=0
failures=0
check() { # page, name, command...
  page=$1; name=$2; shift 2
  count=$((count + 1))
  if "$@"; then
    printf '\033[32m  ok\033[0m  %s: %s\n' "$page" "$name"
    cases="$cases<testcase classname=\"$page\" name=\"$name\" time=\"0.002\"/>"
  else
    printf '\033[1;31mFAIL\033[0m  %s: %s\n' "$page" "$name" >&2
    failures=$((failures + 1))
    cases="$cases<testcase classname=\"$page\" name=\"$name\" time=\"0.002\"><failure message=\"$name\">$page: check failed</failure></testcase>"
  fi
}
for file in site/*.html; do
  page=$(basename "$file")
  check "$page" "has a title" grep -q "<title>" "$file"
  check "$page" "links the stylesheet" grep -q 'href="style.css"' "$file"
done
printf '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n<testsuite name="pages" tests="%s" failures="%s" errors="0" time="0.010">\n%s\n</testsuite>\n</testsuites>\n' \
  "$count" "$failures" "$cases" > reports/unit.xml
printf '%s checks, %s failed\n' "$count" "$failures"
[ "$failures" -eq 0 ]
