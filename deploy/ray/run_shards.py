#!/usr/bin/env python3
"""Run a cascade scenario as N shards on a Ray cluster, then merge them.

    ray start --head                      # or connect to an existing cluster
    python3 deploy/ray/run_shards.py Scenarios/flash-crash.yaml --shards 8 --paths 100000 \
        --work /shared/cascade --cascade /opt/cascade/bin/cascade

Each shard is a Ray task running `cascade run --shard I/N` (the binary must exist on every node,
and --work must be a folder every node can write: a shared file system). A task that fails is
retried by Ray and rewrites the same file. When all are done the merge runs on the driver and
writes the report set to WORK/reports. Requires `pip install ray`.
"""
import argparse
import os
import subprocess
import sys

import ray


@ray.remote(num_cpus=1, max_retries=3)
def shard(cascade, scenario, index, count, paths, out, threads):
    command = [cascade, "run", scenario, "--shard", f"{index}/{count}", "--out", out, "--quiet", "--threads", str(threads)]
    if paths:
        command += ["--paths", str(paths)]
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0:
        raise RuntimeError(f"shard {index}/{count}: {completed.stderr.strip()}")
    return index


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario")
    parser.add_argument("--shards", type=int, required=True)
    parser.add_argument("--paths", type=int)
    parser.add_argument("--work", required=True, help="a folder every node can write")
    parser.add_argument("--cascade", default="cascade", help="the cascade binary on every node")
    parser.add_argument("--threads", type=int, default=1, help="threads per shard")
    parser.add_argument("--address", default="auto", help="the Ray cluster (default: the running one)")
    args = parser.parse_args()

    scenario = os.path.abspath(args.scenario)
    shards = os.path.join(os.path.abspath(args.work), "shards")
    ray.init(address=args.address)
    options = {"num_cpus": args.threads}
    done = ray.get([shard.options(**options).remote(args.cascade, scenario, i, args.shards, args.paths, shards, args.threads)
                    for i in range(args.shards)])
    print(f"{len(done)} shards written to {shards}")
    merged = subprocess.run([args.cascade, "merge", shards, "--out", os.path.join(os.path.abspath(args.work), "reports")])
    sys.exit(merged.returncode)


if __name__ == "__main__":
    main()
