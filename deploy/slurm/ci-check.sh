#!/usr/bin/env bash
# CI: runs a scenario as a Slurm array of shards on a single-node cluster started on this
# machine, merges the shards, and checks the reports are byte for byte the unsplit run's (every
# file but manifest.json, whose command and times differ; its file list must match).
#
#   deploy/slurm/ci-check.sh [CASCADE_BINARY]      # default .build/release/cascade; needs root
set -euo pipefail
cd "$(dirname "$0")/../.."
cascade=$(realpath "${1:-.build/release/cascade}")
scenario=$(realpath Scenarios/binance-flash-crash.yaml)
shards=4
paths=64

deploy/slurm/start-cluster.sh

work=$(mktemp -d /tmp/cascade-slurm.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

echo "unsplit run: $paths paths"
"$cascade" run "$scenario" --paths "$paths" --out "$work/whole" --quiet

echo "Slurm array: $shards shards (sbatch --wait --array=0-$((shards - 1)))"
( cd "$work" && sbatch --wait --array=0-$((shards - 1)) \
      --export=ALL,SCENARIO="$scenario",SHARDS="$work/shards",CASCADE="$cascade",PATHS="$paths" \
      "$OLDPWD/deploy/slurm/cascade-shards.sbatch" )
ls "$work/shards"
"$cascade" merge "$work/shards" --out "$work/merged" --quiet

status=0
for file in "$work/whole"/*; do
    name=$(basename "$file")
    [ "$name" = manifest.json ] && continue
    if ! cmp -s "$file" "$work/merged/$name"; then echo "ci-check: $name differs between the unsplit run and the merged shards" >&2; status=1; fi
done
files() { python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["files"], sort_keys=True))' "$1/manifest.json"; }
if [ "$(files "$work/whole")" != "$(files "$work/merged")" ]; then echo "ci-check: the manifests list different files" >&2; status=1; fi
[ "$(ls "$work/whole" | wc -l)" = "$(ls "$work/merged" | wc -l)" ] || { echo "ci-check: different numbers of files" >&2; status=1; }
if [ $status = 0 ]; then echo "Slurm: $shards shards merged into reports identical to the unsplit run ($(ls "$work/whole" | wc -l) files)"; fi
exit $status
