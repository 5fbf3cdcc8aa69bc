# Sourced by deploy/cluster.sh and deploy/regions.sh: the process and token helpers both use.
# Each script defines `say` and `state` (its state folder) before sourcing this file.

# True when the pid file names a running process.
alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Stops the process of a pid file: SIGTERM (after SIGCONT: a SIGSTOPped process cannot act on it),
# up to 30 s for it to finish in order, then SIGKILL.
stop_pid() {
  local file="$1" pid
  alive "$file" || { rm -f "$file"; return 0; }
  pid="$(cat "$file")"
  kill -CONT "$pid" 2>/dev/null || true
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$file"
}

# wait_for WHAT SECONDS COMMAND...: runs COMMAND every 0.1 s until it succeeds or SECONDS pass.
wait_for() {
  local what="$1" seconds="$2"; shift 2
  for _ in $(seq 1 $((seconds * 10))); do "$@" && return 0; sleep 0.1; done
  say "$what did not happen within ${seconds}s; see the logs in $state"
  return 1
}

# Authority__OperatorToken when set, else one generated once and kept (mode 600) in the state folder.
operator_token() {
  if [[ -n "${Authority__OperatorToken:-}" ]]; then echo "$Authority__OperatorToken"; return; fi
  [[ -s "$state/operator.token" ]] || (umask 077; head -c 32 /dev/urandom | base64 | tr -d '/+=' >"$state/operator.token")
  cat "$state/operator.token"
}
