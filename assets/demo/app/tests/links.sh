#!/bin/sh
# Checks that every local link points to a page that exists.
set -u
broken=0
for file in site/*.html; do
  for target in $(grep -o 'href="[^"#:]*"' "$file" | sed 's/href="//; s/"$//'); do
    if [ -e "site/$target" ]; then
      printf '\033[36mlink\033[0m %s -> %s\n' "$(basename "$file")" "$target"
    else
      printf '\033[31mbroken link\033[0m %s -> %s\n' "$(basename "$file")" "$target" >&2
      broken=$((broken + 1))
    fi
  done
done
[ "$broken" -eq 0 ]
