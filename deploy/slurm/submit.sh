#!/usr/bin/env bash
# Submits a sharded testbed run to Slurm: an array job with one shard per task, then a merge job that depends on it.
#   deploy/slurm/submit.sh SHARDS OUT_DIR [run options…]
#   deploy/slurm/submit.sh 4 /scratch/runs/nightly --language ja,de --seed 0..9
# OUT_DIR must be reachable at the same path from every node (the repository too). Prints the two job ids.
set -euo pipefail
if (( $# < 2 )); then
  echo "usage: $0 SHARDS OUT_DIR [testbed run options…]" >&2
  exit 2
fi
shards=$1 out=$2
shift 2
if ! [[ $shards =~ ^[1-9][0-9]*$ ]]; then
  echo "submit.sh: SHARDS is '$shards'; expected a whole number >= 1" >&2
  exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
mkdir -p "$out/logs"
out="$(cd "$out" && pwd)"
# Build once, here, before any task starts.
"$root/testbed" help >/dev/null
export TESTBED_ROOT="$root" TESTBED_OUT="$out"
array=$(sbatch --parsable --array="0-$((shards - 1))" --chdir="$out/logs" "$here/testbed-shard.sbatch" "$@")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterany:$array" --chdir="$out/logs" "$here/testbed-merge.sbatch")
merge=${merge%%;*}
echo "array job $array ($shards shards), merge job $merge; merged run: $out/merged"
