#!/usr/bin/env bash
# Runs the time-sensitive suites (tests/unit, tests/workflow, tests/scenarios) under shifted clocks, one
# setting after another, so that `npm test` passes on any date, at any hour, in any machine time zone
# (issue 13). Run it as `npm run test:clock` (scripts/with-tools.sh test installs Debian's faketime and
# the Java test server first). Prints one line per setting with its result and duration; fails if any
# setting fails. TEST_CLOCK_ONLY=<name> runs one setting (names: year, cn0300, cn2130, newyear, la);
# TEST_CLOCK_ALL=1 runs every suite in every setting (about twice as long).
#
# How the clock is shifted: libfaketime (LD_PRELOAD) for the whole process tree — jest and the Temporal
# Java time-skipping test server that the workflow and scenario tests start (TEMPORAL_TEST_SERVER).
# The JVM is faked on purpose, not skipped: workflow time (Date.now() inside workflow code, the
# timers, env.currentTimeMs() in the tests) is the test server's clock, so with the JVM on the real
# clock a shift would only move the test process's own Date and the workflows would still run on
# today's real date — the shifted settings would prove nothing about the workflow rules. With the JVM
# faked, a workflow test started at "03:00 China time" really opens its cycle at 03:00 China time
# (19:00 UTC the day before), and the Dec 31 setting crosses the store's new year while it runs.
# (FAKETIME_SKIP_CMDS=java would not even work for the start-at settings: libfaketime 0.9.10 ignores
# it with an "@…" FAKETIME.) What it takes for the JVM:
# - FAKETIME_DONT_FAKE_MONOTONIC=1: monotonic clocks stay real, so timers, timeouts and the JVM's
#   waits keep working (libfaketime's README: without it java hangs);
# - FAKETIME_FORCE_MONOTONIC_FIX=0: libfaketime 0.9.10 turns its "monotonic fix" on by itself on this
#   glibc, and with it every timed pthread_cond wait of the JVM returns at once: the idle test server
#   spins at 100% CPU in futex calls and the workflow suites run ten times slower (cycleOpening: 89 s
#   instead of 9 s) and fail on timing. Node is unaffected either way;
# - FAKETIME_DONT_RESET=1: a start-at clock ("@YYYY-MM-DD HH:MM:SS", which then advances) is shared
#   by the process tree instead of restarting in every child, so each test server started later
#   begins where jest's clock is, not back at the start instant;
# - NO_FAKE_STAT=1: file times stay real: no rule reads them, and jest's file map and transform cache
#   and the JVM's class-data-sharing archive check keep comparing real times with real times.
#
# The settings (machine zone as given, UTC on CI; "store time" is China, +08:00):
#   year     a year from now (relative offset +365d)
#   cn0300   03:00 store time today or tomorrow: the store's date is one day ahead of UTC's
#   cn2130   21:30 store time: after the store's message hours (09:00–20:00), same date as UTC
#   newyear  23:59 on 31 December store time of this year: the run crosses the store's new year
#   la       the machine's zone America/Los_Angeles, real clock: local date/time methods differ from
#            both UTC and the store
# Budget: all of them together should stay under 5 minutes on the 2-core machine. Every suite in every
# setting, one jest run each, takes over 10 minutes (2026-12-07: tests/workflow ~105 s, tests/scenarios
# ~15 s, tests/unit ~13 s a run, all CPU-bound; bundling the workflow code, ~2.5 s, is a good part of
# it: every workflow test file and the scenario file bundle it anew). So:
# - tests/unit and tests/scenarios (the whole lifecycle on the time-skipping server) run in all five
#   settings; the workflow suites (the bulk of the time) in the one setting where workflow time starts on
#   a store date that is not UTC's and crosses the store's new year while it runs (newyear): with the JVM
#   faked that is where a rule that takes "today" from UTC or the machine's zone would show. (Both 03:00
#   and new year's eve ran the workflow suites until 2026-12-07: 325 s in all, over the 5-minute budget.)
# - within a setting tests/unit (pure, CPU-bound, ~13 s) runs in its own `jest --runInBand` beside the
#   one with the Temporal suites (which mostly wait on the test server), on the same shifted clock;
#   the settings themselves run one after another;
# - tests/static has no time in it and is left to `npm test`.
# Measured 2026-12-07 on the 2-core machine, lightly loaded, with the workflow suites in two settings:
# 325 s (year 23, cn0300 128, cn2130 24, newyear 125, la 25); cn0300 without them: 21 s, so about 220 s in all; beside another full test run, 450 s. A bundle shared by the test files (the
# workflow code is the same for all) would take about a minute off.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

lib=${LIBFAKETIME:-/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1}
if [ ! -f "$lib" ]; then
  echo "test-clock: $lib not found; run through 'npm run test:clock' (scripts/with-tools.sh test installs faketime)" >&2
  exit 2
fi

# The instant (epoch seconds) of a wall-clock time in China on today's or tomorrow's China date,
# whichever comes next.
next_store_time() {
  local day at
  day=$(TZ=Asia/Shanghai date +%F)
  at=$(date -d "$day $1 +0800" +%s)
  [ "$at" -gt "$(date +%s)" ] || at=$(date -d "$day $1 +0800 + 1 day" +%s)
  echo "$at"
}
# libfaketime reads a start-at instant in the process's own zone (TZ), so write it in that zone.
start_at() { echo "@$(date -d "@$1" '+%Y-%m-%d %H:%M:%S')"; }

# tests/unit runs in every setting beside the suites on the Temporal test server (see Budget above).
scenarios=(tests/scenarios)
workflow_and_scenarios=(tests/workflow tests/scenarios)
if [ -n "${TEST_CLOCK_ALL:-}" ]; then scenarios=("${workflow_and_scenarios[@]}"); fi

new_year=$(date -d "$(TZ=Asia/Shanghai date +%Y)-12-31 23:59 +0800" +%s)

# name | environment | suites besides tests/unit
settings=(
  "year|FAKETIME=+365d|${scenarios[*]}"
  "cn0300|FAKETIME=$(start_at "$(next_store_time 03:00)")|${scenarios[*]}"
  "cn2130|FAKETIME=$(start_at "$(next_store_time 21:30)")|${scenarios[*]}"
  "newyear|FAKETIME=$(start_at "$new_year")|${workflow_and_scenarios[*]}"
  "la|TZ=America/Los_Angeles|${scenarios[*]}"
)

# Runs a command under the setting's environment. libfaketime shares a start-at clock through a shared
# memory segment and a semaphore named after the first process that loads it (the pid of `env`, which
# execs), and leaves both behind in /dev/shm: remove them when the command is done.
faked() {
  env "${fake[@]}" "$@" &
  local pid=$! rc=0
  wait "$pid" || rc=$?
  rm -f "/dev/shm/faketime_shm_$pid" "/dev/shm/sem.faketime_sem_$pid"
  return "$rc"
}

# One jest run under the setting. A test that leaves a worker polling a torn-down test server would keep
# jest alive for ever: --forceExit ends it once its tests are done, and a run still going after
# $TEST_CLOCK_RUN_LIMIT seconds (default 600) is stopped and fails. $niceness: its scheduling priority.
jest_run() {
  faked nice -n "${niceness:-0}" timeout --kill-after=10 "${TEST_CLOCK_RUN_LIMIT:-600}" node_modules/.bin/jest --runInBand --forceExit "$@"
}

# "jest: N passed, M failed" of one log, as "N M".
counts() { sed -nE 's/^jest: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/p' "$1" | tail -1; }

failed=0
ran=0
summary=()
started=$(date +%s)
for setting in "${settings[@]}"; do
  IFS='|' read -r name shift suites <<<"$setting"
  [ -z "${TEST_CLOCK_ONLY:-}" ] || [ "$TEST_CLOCK_ONLY" = "$name" ] || continue
  ran=$((ran + 1))
  if [[ $shift == FAKETIME=* ]]; then
    fake=(LD_PRELOAD="$lib" "$shift" FAKETIME_DONT_FAKE_MONOTONIC=1 FAKETIME_FORCE_MONOTONIC_FIX=0 FAKETIME_DONT_RESET=1 NO_FAKE_STAT=1)
  else
    fake=("$shift")
  fi
  # What a process sees under the setting: proves the shift took (store time is China's, +08:00).
  clock=$(faked node -e 'const d=new Date(), f=(o)=>d.toLocaleString("sv-SE",{...o,hour12:false}).slice(0,16);console.log(`store ${f({timeZone:"Asia/Shanghai"})}, machine ${f({})} ${Intl.DateTimeFormat().resolvedOptions().timeZone}`)')
  echo "[test-clock] $name ($shift): $clock: tests/unit $suites" >&2
  unit_log=$(mktemp "${TMPDIR:-/tmp}/test-clock-$name-unit.XXXXXX")
  temporal_log=$(mktemp "${TMPDIR:-/tmp}/test-clock-$name-temporal.XXXXXX")
  t0=$(date +%s)
  # Both jest runs start on the same clock: an offset applies to each, a start-at instant starts each.
  jest_run tests/unit >"$unit_log" 2>&1 &
  unit_pid=$!
  # At a lower priority, so tests/unit's few wall-clock budgets (the template preview's 250 ms) keep a
  # core while the Temporal suites, which wait on the test server anyway, take what is left.
  # shellcheck disable=SC2086 # suites is a list of paths
  niceness=5 jest_run $suites >"$temporal_log" 2>&1
  temporal_rc=$?
  wait "$unit_pid"
  unit_rc=$?
  took=$(($(date +%s) - t0))
  read -r up uf <<<"$(counts "$unit_log")"
  read -r tp tf <<<"$(counts "$temporal_log")"
  if [ "$unit_rc" = 0 ] && [ "$temporal_rc" = 0 ]; then result=PASS; else result=FAIL; failed=1; fi
  tally="jest: $((${up:-0} + ${tp:-0})) passed, $((${uf:-0} + ${tf:-0})) failed"
  [ -n "${up:-}" ] && [ -n "${tp:-}" ] || tally="$tally (a run ended without its summary)"
  line=$(printf '%-4s %-7s %4ss  %-36s  %-30s  %s' "$result" "$name" "$took" "$clock" "$tally" "tests/unit $suites")
  summary+=("$line")
  echo "$line"
  for run in "$unit_rc $unit_log" "$temporal_rc $temporal_log"; do
    read -r rc log <<<"$run"
    if [ "$rc" = 0 ]; then rm -f "$log"; continue; fi
    grep -E '^(FAIL|  ●)' "$log" | sed 's/^/    /' | head -40
    echo "    full log: $log"
  done
done
if [ "$ran" = 0 ]; then
  echo "test-clock: no setting named '${TEST_CLOCK_ONLY:-}' (year, cn0300, cn2130, newyear, la)" >&2
  exit 2
fi

echo
echo "test-clock: $ran settings in $(($(date +%s) - started))s, $([ "$failed" = 0 ] && echo 'all passed' || echo 'FAILED')"
printf '%s\n' "${summary[@]}"
# The closing line a CI reader looks for: every test of every setting.
printf '%s\n' "${summary[@]}" | awk '{ for (i = 1; i < NF; i++) { if ($(i + 1) == "passed,") p += $i; if ($(i + 1) == "failed") f += $i } } END { printf "jest: %d passed, %d failed\n", p, f }'
exit "$failed"
