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

# Compares every report file of $1 (unsplit) and $2 (merged) but manifest.json, and the
# manifests' file lists; prints what differs.
compare() {
    local status=0 name
    for file in "$1"/*; do
        name=$(basename "$file")
        [ "$name" = manifest.json ] && continue
        if ! cmp -s "$file" "$2/$name"; then echo "ci-check: $name differs between the unsplit $3 and the merged shards" >&2; status=1; fi
    done
    if [ "$(files "$1")" != "$(files "$2")" ]; then echo "ci-check: the manifests of the $3 list different files" >&2; status=1; fi
    [ "$(ls "$1" | wc -l)" = "$(ls "$2" | wc -l)" ] || { echo "ci-check: different numbers of files ($3)" >&2; status=1; }
    return $status
}
files() { python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["files"], sort_keys=True))' "$1/manifest.json"; }

echo "unsplit run: $paths paths"
"$cascade" run "$scenario" --paths "$paths" --out "$work/whole" --quiet

echo "Slurm array: $shards shards (sbatch --wait --array=0-$((shards - 1)))"
( cd "$work" && sbatch --wait --array=0-$((shards - 1)) \
      --export=ALL,SCENARIO="$scenario",SHARDS="$work/shards",CASCADE="$cascade",PATHS="$paths" \
      "$OLDPWD/deploy/slurm/cascade-shards.sbatch" )
ls "$work/shards"
"$cascade" merge "$work/shards" --out "$work/merged" --quiet
status=0
compare "$work/whole" "$work/merged" run || status=1
if [ $status = 0 ]; then echo "Slurm: $shards shards merged into reports identical to the unsplit run ($(ls "$work/whole" | wc -l) files)"; fi

# A sweep: 2 × 3 grid points over 4 array tasks.
vary="impact.depth=20000000,5000000 market.assets.0.model.volatility=0.3,0.9,1.5"
sweep=(); for axis in $vary; do sweep+=(--vary "$axis"); done
echo "unsplit sweep: 6 grid points of $((paths / 4)) paths"
"$cascade" sweep "$scenario" "${sweep[@]}" --paths $((paths / 4)) --out "$work/sweep-whole" --quiet
# VARY holds commas, which --export would split: it goes through the environment (ALL).
( cd "$work" && VARY="$vary" sbatch --wait --array=0-$((shards - 1)) \
      --export=ALL,SCENARIO="$scenario",SHARDS="$work/sweep-shards",CASCADE="$cascade",PATHS="$((paths / 4))" \
      "$OLDPWD/deploy/slurm/cascade-shards.sbatch" )
"$cascade" merge "$work/sweep-shards" --out "$work/sweep-merged" --quiet
compare "$work/sweep-whole" "$work/sweep-merged" sweep || status=1
if [ $status = 0 ]; then echo "Slurm: a sweep's $shards shards merged into sweep.csv, charts and page identical to the unsplit sweep"; fi
exit $status
