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
# A fan-out task is a headless Service and one Job per role, created together; it has
# succeeded when the Jobs of its deciding roles are complete, failed when one of its Jobs has
# failed; then the runner deletes the Jobs of its roles that still run (parameter servers,
# `until-done` roles never end by themselves).
#
# Environment: PIPELINE, NAMESPACE, RUNNER_JOB, RUNNER_UID (the runner Job's, from the
# downward API), PIPELINE_DIR (the ConfigMap: `tasks`, a line `task after roles decide` per
# task in graph order, and one `<task>.json` each),
# POLL_SECONDS, RUN_DEADLINE_SECONDS (if the pipeline has a `deadline`). Uses sh, kubectl,
# sed, grep, cut, tr, date and sleep.
set -u

dir=${PIPELINE_DIR:-/pipeline}
poll=${POLL_SECONDS:-5}
# The run id: the last 8 hex digits of the runner Job's uid (random in a real cluster).
run=$(printf '%s' "$RUNNER_UID" | tr -d - | cut -c25-32)

deadline=${RUN_DEADLINE_SECONDS:-}

log() { printf 'pipeline %s, run %s: %s\n' "$PIPELINE" "$run" "$*"; }

# One line per Job of the run: `task/role` (`task/` for a task of one Job), then the types
# of its true conditions.
list_jobs() {
  kubectl get jobs --namespace="$NAMESPACE" --selector="pipec.dev/pipeline=$PIPELINE,pipec.dev/run=$run" \
    -o jsonpath='{range .items[*]}{.metadata.labels.pipec\.dev/task}{"/"}{.metadata.labels.pipec\.dev/role}{" "}{.status.conditions[?(@.status=="True")].type}{"\n"}{end}'
}

# `a,b` or `-` → `a b` or nothing.
words() { [ "$1" = - ] || printf '%s' "$1" | tr , ' '; }

# The Jobs of task $1 with roles $2: `task/` (one Job), or `task/role` per role.
jobs_of() {
  if [ "$2" = - ]; then echo "$1/"; else for r in $(words "$2"); do echo "$1/$r"; done; fi
}

# The state of task $1 (roles $2, deciding roles $3) in the listing $jobs: absent, running,
# succeeded or failed. (`FailureTarget` comes before `Failed` since 1.31; success waits for
# `Complete`, when the Job's pods are gone.) A fan-out task with a Job missing is absent, so
# that it is created again, which adopts the Jobs that exist and creates the rest.
state_of() {
  mine=$(printf '%s\n' "$jobs" | grep "^$1/") || { echo absent; return; }
  case " $(printf '%s' "$mine" | tr '\n' ' ') " in
    *" Failed "* | *" FailureTarget "*) echo failed; return ;;
  esac
  deciding=$2
  [ "$3" = - ] || deciding=$3
  complete=yes
  for job in $(jobs_of "$1" "$deciding"); do
    line=$(printf '%s\n' "$mine" | grep -m 1 "^$job ") || { complete=no; continue; }
    case " $line " in *" Complete "*) ;; *) complete=no ;; esac
  done
  [ "$complete" = yes ] && { echo succeeded; return; }
  for job in $(jobs_of "$1" "$2"); do
    printf '%s\n' "$mine" | grep -q "^$job " || { echo absent; return; }
  done
  echo running
}

# The Job of task $1's role $2 (`-`: the task's one Job).
job_name() {
  if [ "$2" = - ]; then echo "$PIPELINE-$run-$1"; else echo "$PIPELINE-$run-$1-$2"; fi
}

# Lowers the deadline of task $1 (roles $2) to what is left of the run's.
bound() {
  left=$((ends - $(date -u +%s)))
  [ "$left" -ge 1 ] || left=1
  own=$(sed -n 's/^ *"activeDeadlineSeconds": \([0-9]*\).*/\1/p' "$dir/$1.json" | head -n 1)
  if [ -z "$own" ] || [ "$left" -lt "$own" ]; then
    for role in $(if [ "$2" = - ]; then echo -; else words "$2"; fi); do
      kubectl patch job "$(job_name "$1" "$role")" --namespace="$NAMESPACE" --type=merge \
        -p "{\"spec\":{\"activeDeadlineSeconds\":$left}}" > /dev/null ||
        log "could not bound $1 by the run's deadline"
    done
  fi
}

# Once fan-out task $1 (roles $2) has ended, succeeded or failed: deletes the Jobs of its roles
# that still run (those that serve the others never end by themselves); a failed Job is kept
# for its logs.
stop_unfinished() {
  for role in $(words "$2"); do
    line=$(printf '%s\n' "$jobs" | grep -m 1 "^$1/$role ") || continue
    case " $line " in *" Complete "* | *" Failed "* | *" FailureTarget "*) continue ;; esac
    kubectl delete job "$(job_name "$1" "$role")" --namespace="$NAMESPACE" --ignore-not-found > /dev/null &&
      log "$1 ended: stopped its $role members"
  done
}

create() {
  out=$(sed -e "s/@RUN@/$run/g" -e "s/@RUNNER_JOB@/$RUNNER_JOB/g" -e "s/@RUNNER_UID@/$RUNNER_UID/g" \
    "$dir/$1.json" | kubectl create --namespace="$NAMESPACE" -f - 2>&1)
  case $? in
    0)
      log "started $1"
      [ -z "$deadline" ] || bound "$1" "$2"
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
  while read -r task after roles decide; do
    case $(state_of "$task" "$roles" "$decide") in
      failed)
        failed="$failed $task"
        [ "$roles" = - ] || stop_unfinished "$task" "$roles"
        ;;
      running) running=$((running + 1)) ;;
      absent) pending=$((pending + 1)) ;;
      succeeded) [ "$roles" = - ] || stop_unfinished "$task" "$roles" ;;
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

  while read -r task after roles decide; do
    [ "$(state_of "$task" "$roles" "$decide")" = absent ] || continue
    ready=yes
    for up in $(words "$after"); do
      line=$(grep -m 1 "^$up " "$dir/tasks")
      # shellcheck disable=SC2086 # the line's words are its fields
      set -- $line
      [ "$(state_of "$up" "$3" "$4")" = succeeded ] || ready=no
    done
    [ "$ready" = yes ] && create "$task" "$roles"
  done < "$dir/tasks"
  sleep "$poll"
done
