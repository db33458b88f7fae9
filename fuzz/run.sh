#!/usr/bin/env bash
# Fuzzes every target for a bounded time: fuzz/run.sh [seconds-per-target] [target…]
#
# Installs cargo-fuzz (into the tools folder) when it is missing, writes the
# seeds when there is no corpus yet (fuzz/seeds.sh), builds all targets once
# and runs each for the given seconds (default 20) without a sanitizer, which
# works on stable Rust (`-s none`). Fails on the first crash, hang or
# out-of-memory and prints the input that caused it; rerun it with
#   cd fuzz && cargo fuzz run -s none --codegen-units 16 <target> <file>
# and add the bytes as a regression test in the crate that failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
secs="${1:-20}"
shift || true
TOOLS="${TWINSTORY_TOOLS:-$HOME/.local/share/twinstory-tools}"
export PATH="$HOME/.cargo/bin:$TOOLS/bin:$PATH"
if ! command -v cargo-fuzz > /dev/null; then
  echo "installing cargo-fuzz into $TOOLS" >&2
  cargo install cargo-fuzz --locked --root "$TOOLS" >&2
fi

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  mapfile -t targets < <(cargo fuzz list)
fi
for t in "${targets[@]}"; do
  if [[ ! -d "corpus/$t" ]]; then
    ./seeds.sh
    break
  fi
done

# 16 codegen units instead of cargo-fuzz's default of one: the build is the
# slow part of a 15-second run (a cold build of all targets took 839 s with
# one unit and 189 s with 16 on the 2-core machine, both beside other
# builds); the executions lose a little speed. `run` must use the same flags, or it
# builds again.
FLAGS=(-s none --codegen-units 16)
start=$(date +%s)
cargo fuzz build "${FLAGS[@]}"
echo "fuzz: built ${#targets[@]} targets in $(( $(date +%s) - start )) s" >&2
# FUZZ_BUILD_ONLY=1: stop here (scripts/test.sh builds in one lane and fuzzs
# later, beside the browser tests, which leave a core mostly idle).
if [[ "${FUZZ_BUILD_ONLY:-0}" == 1 ]]; then
  exit 0
fi

mkdir -p target/logs
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  log="target/logs/$t.log"
  # -timeout: one input may take at most 10 s; -rss_limit_mb: 2 GB.
  if ! cargo fuzz run "${FLAGS[@]}" "$t" "corpus/$t" -- \
      -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      > "$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo >&2
    echo "fuzz: $t failed (full output: fuzz/$log)" >&2
    grep -ao 'Test unit written to .*' "$log" | sed 's/Test unit written to /fuzz: the input is /' >&2 || true
    exit 1
  fi
  runs=$(grep -ao 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  speed=$(grep -ao 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  cov=$(grep -ao 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || echo '?')
  echo "fuzz: $t: $runs runs in ${secs} s ($speed/s), coverage $cov edges, corpus $(find "corpus/$t" -type f | wc -l) inputs, no crash" >&2
done
