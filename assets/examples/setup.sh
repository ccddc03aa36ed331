#!/bin/sh
# Makes a workspace in which every example runs:  sh assets/examples/setup.sh DIR
# It copies the examples, the demo site as app/ (for the Folder example) and as app-repo/,
# a local git repository (for the Git examples).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
target=${1:?usage: setup.sh DIR}
mkdir -p "$target"
cp "$here"/*.pipeline.ron "$target"/
rm -rf "$target/app" "$target/app-repo"
cp -R "$here/../demo/app" "$target/app"
cp -R "$here/../demo/app" "$target/app-repo"
cd "$target/app-repo"
git init -q -b main
git add -A
git -c user.name=Pipewright -c user.email=demo@pipewright.invalid commit -q -m "First version of the site"
echo "workspace ready: $target (try: pipewright run $target/classic.pipeline.ron)"
