#!/bin/sh
# W3's four steps in a plain shell script, for comparison: copy the source, tar it, unpack and
# count it and write a JUnit file, unpack it into a folder.
set -e
ws=$1
work=$(mktemp -d)
cp -R "$ws/data" "$work/source"
(cd "$work/source" && tar -cf "$work/data.tar" .)
mkdir "$work/unpacked" && tar -xf "$work/data.tar" -C "$work/unpacked"
n=$(find "$work/unpacked" -type f | wc -l) && test "$n" -eq 2000
mkdir -p "$work/reports" && printf '<testsuite name="count" tests="1"><testcase name="2000 files"/></testsuite>' > "$work/reports/junit.xml"
rm -rf "$ws/deployed-baseline" && mkdir -p "$ws/deployed-baseline" && tar -xf "$work/data.tar" -C "$ws/deployed-baseline"
rm -rf "$work"
