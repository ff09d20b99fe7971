#!/usr/bin/env bash
# One process × 2 threads against 2 processes × 1 thread (mpirun, --distributed mpi) on this machine:
# MNIST MLP (3 epochs) and LeNet-5 (1 epoch), samples/s from the epoch time rank 0 prints, and the
# data-parallel line (compute and MPI_Allgather time per step). Run by `make bench` when mpirun exists.
#   scripts/bench_mpi.sh [GRADFLOW_BINARY]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
gradflow="${1:-$root/.build/release/gradflow}"
export GRADFLOW_MNIST="${GRADFLOW_MNIST:-$root/../shared/datasets/mnist}"
command -v mpirun >/dev/null || { echo "bench_mpi: mpirun not found (apt-get install openmpi-bin libopenmpi3); skipped"; exit 0; }
mpi="mpirun --allow-run-as-root --oversubscribe -x GRADFLOW_MNIST"
rate() {   # samples/s from the epoch lines "Epoch 2/3  loss …  (1.3 s)" (after any progress bar) and the header's training set size
    local out="$1" seconds examples epochs
    seconds=$(echo "$out" | tr '\r' '\n' | sed -nE 's/^Epoch [0-9]+\/[0-9]+ .*\(([0-9.]+) s\)$/\1/p' | awk '{ s += $1 } END { print s }')
    epochs=$(echo "$out" | tr '\r' '\n' | grep -cE '^Epoch [0-9]+/' || true)
    examples=$(echo "$out" | sed -nE 's/^.*: ([0-9]+) training .*$/\1/p' | head -n 1)
    awk -v n="$examples" -v e="$epochs" -v s="$seconds" 'BEGIN { if (s > 0) printf "%.0f", n * e / s; else print "n/a" }'
}
printf "%-10s %-34s %12s  %s\n" model configuration samples/s "per step (data-parallel)"
for graph in mnist-mlp lenet5; do
    file="$root/Graphs/$graph.graph"
    epochs=$([ "$graph" = lenet5 ] && echo 1 || echo 3)
    out=$(GRADFLOW_THREADS=2 "$gradflow" train "$file" --epochs "$epochs")
    printf "%-10s %-34s %12s\n" "$graph" "1 process × 2 threads" "$(rate "$out")"
    out=$($mpi -n 1 -x GRADFLOW_THREADS=2 "$gradflow" train "$file" --epochs "$epochs" --distributed mpi)
    printf "%-10s %-34s %12s  %s\n" "$graph" "1 process × 2 threads, --distributed" "$(rate "$out")" "$(echo "$out" | grep -o 'per step.*' || true)"
    out=$($mpi -n 2 -x GRADFLOW_THREADS=1 "$gradflow" train "$file" --epochs "$epochs" --distributed mpi)
    printf "%-10s %-34s %12s  %s\n" "$graph" "2 processes × 1 thread" "$(rate "$out")" "$(echo "$out" | grep -o 'per step.*' || true)"
done
