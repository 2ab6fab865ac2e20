#!/usr/bin/env bash
# Build the swix parser fuzzer and run it for N seconds (default 600).
#
#   Fuzz/run.sh [SECONDS] [EXTRA_SEED_DIR...]
#
# New inputs found by the fuzzer go into a scratch corpus (.build-fuzz/corpus,
# git-ignored); Fuzz/corpus/ only seeds it and is never written to.
# Crashes, timeouts and OOMs go to Fuzz/crashes/ (kept as regression inputs).
# Extra environment:
#   SANITIZE  swiftc -sanitize value (default: fuzzer,address)
#   JOBS      libFuzzer -jobs/-workers (default: 1)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

seconds="${1:-600}"
shift || true
sanitize="${SANITIZE:-fuzzer,address}"
scratch="$here/.build-fuzz"

if [ -d /opt/swift/usr/bin ]; then PATH="/opt/swift/usr/bin:$PATH"; fi

# gold crashes linking ASan-instrumented Swift ("internal error in
# format_file_lineno"), so link with lld.
swift build -c release --scratch-path "$scratch" \
    -Xswiftc "-sanitize=$sanitize" -Xswiftc -use-ld=lld
bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/SwixParserFuzz"

mkdir -p "$here/crashes" "$scratch/corpus"

export SWIFT_BACKTRACE=enable=no
# The parser's StackGuard compares the address of a local with the thread's stack
# bounds. With ASan's detect_stack_use_after_return that local lives on a heap
# "fake stack", so the guard can report "stack overflow" on every input (it did on
# 2df9532: the parser never got past its first expression). Keep it off.
export ASAN_OPTIONS="detect_stack_use_after_return=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

jobs="${JOBS:-1}"
extra=()
if [ "$jobs" -gt 1 ]; then extra=(-jobs="$jobs" -workers="$jobs"); fi

exec "$bin" \
    -max_total_time="$seconds" \
    -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
    -print_final_stats=1 \
    -artifact_prefix="$here/crashes/" \
    -dict="$here/nix.dict" \
    "${extra[@]}" \
    "$scratch/corpus" "$here/corpus" "$@"
