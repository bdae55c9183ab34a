# Sourced by the Slurm e2e tests (not a test itself: tests/run runs *.sh).
# Takes the machine-wide lock (one test cluster per machine: fixed ports),
# starts the real one-node Slurm of scripts/slurm-up, stops it on exit,
# and loads its environment. Skips the calling test only when Slurm cannot
# start here, and never when CI is set. Sets: here, jobcomp.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export SITO_SLURM_DIR=${SITO_SLURM_DIR:-/tmp/sito-slurm}
exec 9>"${SITO_SLURM_DIR}.lock"
flock -w 900 9 || { echo "FAIL: another Slurm test held ${SITO_SLURM_DIR}.lock for 15 min"; exit 1; }
if ! "$here/scripts/slurm-up" >"$TMPDIR/up.log" 2>&1; then
  cat "$TMPDIR/up.log"
  if [ -n "${CI:-}" ]; then echo "FAIL: Slurm did not start (CI is set)"; exit 1; fi
  echo "SKIP: Slurm cannot start on this machine (see above)"; exit 0
fi
trap '"$here/scripts/slurm-down" >/dev/null 2>&1 || true' EXIT
. "$SITO_SLURM_DIR/env"
jobcomp="$SITO_SLURM_DIR/jobcomp.log"
