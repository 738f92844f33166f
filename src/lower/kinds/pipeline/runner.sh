#!/bin/sh
# pipec's pipeline runner: one run of a pipeline's task graph (docs/pipelines.md).
#
# Each round it lists the Jobs of this run (labels pipec.dev/pipeline and pipec.dev/run), so a restarted runner
# adopts what an earlier pod of the same runner Job created and never creates a task twice
# (a task's Job name is fixed per run). It creates a task's Job once every task it is after
# has completed, creates nothing more after a failure, waits for the tasks still running,
# and exits 0 (all succeeded) or 3 (a task failed: the runner Job's pod failure policy then
# fails it without retrying). Any other exit is a failure of the runner itself, retried.
#
# The run's deadline bounds its tasks too: a task Job gets at most what is left of it (its
# activeDeadlineSeconds is lowered right after it is created), so no task outlives the run.
#
# Environment: PIPELINE, NAMESPACE, RUNNER_JOB, RUNNER_UID (the runner Job's, from the
# downward API), PIPELINE_DIR (the ConfigMap: `tasks` and one `<task>.json` each),
# POLL_SECONDS, RUN_DEADLINE_SECONDS (if the pipeline has a `deadline`). Uses sh, kubectl,
# sed, grep, cut, tr, date and sleep.
set -u

dir=${PIPELINE_DIR:-/pipeline}
poll=${POLL_SECONDS:-5}
# The run id: the last 8 hex digits of the runner Job's uid (random in a real cluster).
run=$(printf '%s' "$RUNNER_UID" | tr -d - | cut -c25-32)

deadline=${RUN_DEADLINE_SECONDS:-}

log() { printf 'pipeline %s, run %s: %s\n' "$PIPELINE" "$run" "$*"; }

# One line per Job of the run: its task, then the types of its true conditions.
list_jobs() {
  kubectl get jobs --namespace="$NAMESPACE" --selector="pipec.dev/pipeline=$PIPELINE,pipec.dev/run=$run" \
    -o jsonpath='{range .items[*]}{.metadata.labels.pipec\.dev/task}{" "}{.status.conditions[?(@.status=="True")].type}{"\n"}{end}'
}

# The state of task $1 in the listing $jobs: absent, running, succeeded or failed.
# (`FailureTarget` comes before `Failed` since 1.31; success waits for `Complete`, when the
# task's pods are gone.)
state_of() {
  line=$(printf '%s\n' "$jobs" | grep -m 1 "^$1 ") || { echo absent; return; }
  case " $line " in
    *" Complete "*) echo succeeded ;;
    *" Failed "* | *" FailureTarget "*) echo failed ;;
    *) echo running ;;
  esac
}

# Lowers task $1's deadline to what is left of the run's.
bound() {
  left=$((ends - $(date -u +%s)))
  [ "$left" -ge 1 ] || left=1
  own=$(sed -n 's/^ *"activeDeadlineSeconds": \([0-9]*\).*/\1/p' "$dir/$1.json" | head -n 1)
  if [ -z "$own" ] || [ "$left" -lt "$own" ]; then
    kubectl patch job "$PIPELINE-$run-$1" --namespace="$NAMESPACE" --type=merge \
      -p "{\"spec\":{\"activeDeadlineSeconds\":$left}}" > /dev/null ||
      log "could not bound $1 by the run's deadline"
  fi
}

create() {
  out=$(sed -e "s/@RUN@/$run/g" -e "s/@RUNNER_JOB@/$RUNNER_JOB/g" -e "s/@RUNNER_UID@/$RUNNER_UID/g" \
    "$dir/$1.json" | kubectl create --namespace="$NAMESPACE" -f - 2>&1)
  case $? in
    0)
      log "started $1"
      [ -z "$deadline" ] || bound "$1"
      ;;
    *)
      case $out in
        *AlreadyExists* | *"already exists"*) log "$1 exists already: adopted" ;;
        *) log "could not create $1 (tried again next round): $out" ;;
      esac
      ;;
  esac
}

log "starting (runner Job $RUNNER_JOB)"
if [ -n "$deadline" ]; then
  # The run started when its runner Job did (the same after a restart).
  started=$(kubectl get job "$RUNNER_JOB" --namespace="$NAMESPACE" -o jsonpath='{.status.startTime}' 2> /dev/null)
  started=$(date -u -d "$started" +%s 2> /dev/null) || started=$(date -u +%s)
  ends=$((started + deadline))
fi
while :; do
  if ! jobs=$(list_jobs); then
    log "cannot list the run's Jobs; trying again"
    sleep "$poll"
    continue
  fi
  failed="" running=0 pending=0
  while read -r task after; do
    case $(state_of "$task") in
      failed) failed="$failed $task" ;;
      running) running=$((running + 1)) ;;
      absent) pending=$((pending + 1)) ;;
    esac
  done < "$dir/tasks"

  if [ -n "$failed" ]; then
    if [ "$running" -eq 0 ]; then
      log "failed:$failed; $pending task(s) not started"
      exit 3
    fi
    log "failed:$failed; waiting for $running running task(s), starting no more"
    sleep "$poll"
    continue
  fi
  if [ "$running" -eq 0 ] && [ "$pending" -eq 0 ]; then
    log "every task succeeded"
    exit 0
  fi

  while read -r task after; do
    [ "$(state_of "$task")" = absent ] || continue
    ready=yes
    if [ "$after" != - ]; then
      for up in $(printf '%s' "$after" | sed 's/,/ /g'); do
        [ "$(state_of "$up")" = succeeded ] || ready=no
      done
    fi
    [ "$ready" = yes ] && create "$task"
  done < "$dir/tasks"
  sleep "$poll"
done
