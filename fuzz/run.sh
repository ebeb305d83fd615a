#!/usr/bin/env bash
# Run the atheris fuzz target for SECONDS (default 600) on one core, restarting
# after each crash so that one finding does not end the session.
# Crash inputs land in $ART (default /tmp/aligner-fuzz/artifacts); the growing
# corpus in $WORK (default /tmp/aligner-fuzz/corpus); fuzz/corpus is the seed set.
set -u
cd "$(dirname "$0")/.."
SECONDS_TOTAL=${1:-600}
WORK=${WORK:-/tmp/aligner-fuzz/corpus}
ART=${ART:-/tmp/aligner-fuzz/artifacts}
PY=${PY:-.venv/bin/python}
mkdir -p "$WORK" "$ART"
end=$(( $(date +%s) + SECONDS_TOTAL ))
runs=0
while [ "$(date +%s)" -lt "$end" ]; do
  left=$(( end - $(date +%s) ))
  runs=$((runs + 1))
  "$PY" fuzz/fuzz_inputs.py "$WORK" fuzz/corpus -max_total_time="$left" -timeout=20 \
      -rss_limit_mb=3000 -max_len=4096 -artifact_prefix="$ART/" -print_final_stats=1
  echo "fuzz/run.sh: run $runs ended with status $?" >&2
done
echo "fuzz/run.sh: artifacts in $ART:" >&2
ls -l "$ART" >&2
