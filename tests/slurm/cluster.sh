#!/usr/bin/env bash
# Start / stop a real one-node Slurm cluster (with accounting) on this machine,
# for tests and CI.  Needs root, Debian 12, no systemd required.
#
#   tests/slurm/cluster.sh install   # apt-get install slurm-wlm munge slurmdbd mariadb-server
#   tests/slurm/cluster.sh start     # install if needed, write configs, start all daemons, wait until usable
#   tests/slurm/cluster.sh status    # exit 0 if the cluster is up and usable
#   tests/slurm/cluster.sh stop      # stop the daemons started by `start` (by PID file)
#   tests/slurm/cluster.sh clean     # stop, then delete the state dir (db, spool, logs)
#   tests/slurm/cluster.sh logs [N]  # print the last N lines of every daemon log (for CI failures)
#
# Environment:
#   SLURM_STATE_DIR   state dir (configs, PIDs, logs, spool, mariadb datadir); default /tmp/kmeans-sweep-slurm
#   SLURM_PARTITION   partition name (default: debug; it is the default partition)
#   SLURM_CPUS        CPUs the node declares (default: 8, more than the machine has: overcommitted)
#   SLURM_DB_PORT     TCP port of the private mariadb instance (default: 33061)
#   SLURM_START_TIMEOUT  bound in seconds for each startup stage (default: 60)
#
# The configs are written to the state dir and copied to /etc/slurm (the
# compiled-in default path), so sbatch/squeue/sacct run by Snakemake find them
# without SLURM_CONF.
set -euo pipefail

STATE_DIR="${SLURM_STATE_DIR:-/tmp/kmeans-sweep-slurm}"
PARTITION="${SLURM_PARTITION:-debug}"
DB_PORT="${SLURM_DB_PORT:-33061}"
START_TIMEOUT="${SLURM_START_TIMEOUT:-60}"
CLUSTER_NAME="kmeanssweep"
ETC_SLURM=/etc/slurm
MARKER="# written by kmeans-sweep tests/slurm/cluster.sh"
DB_PASS="slurmtestpass"

PACKAGES=(slurm-wlm munge slurmdbd mariadb-server)
# daemon name -> binary name as seen in /proc/PID/comm (start order)
DAEMONS=(mariadb munged slurmdbd slurmctld slurmd)

RUN_DIR="$STATE_DIR/run"
LOG_DIR="$STATE_DIR/log"
CONF_DIR="$STATE_DIR/etc"
SPOOL_DIR="$STATE_DIR/spool"
DB_DIR="$STATE_DIR/mysql"
DB_RUN_DIR="$RUN_DIR/mysql"   # owned by the mysql user
DB_SOCK="$DB_RUN_DIR/mysqld.sock"
MUNGE_SOCK_DIR=/run/munge

log() { printf '[cluster.sh %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

need_root() { [[ $(id -u) -eq 0 ]] || die "must run as root"; }

# ---------------------------------------------------------------- install
packages_missing() {
    local p
    for p in "${PACKAGES[@]}"; do
        [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true) == "install ok installed" ]] || return 0
    done
    return 1
}

cmd_install() {
    need_root
    if ! packages_missing; then
        return 0
    fi
    local t0; t0=$(now)
    log "installing ${PACKAGES[*]}"
    # Keep the packages' init scripts from starting daemons during install
    # (we start our own instances by hand); Docker images usually have this already.
    local own_policy=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        own_policy=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    local rc=0
    {
        apt-get update -qq &&
        apt-get install -y -qq --no-install-recommends \
            -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
            "${PACKAGES[@]}"
    } >"/tmp/kmeans-sweep-slurm-apt.log" 2>&1 || rc=$?
    [[ $own_policy -eq 1 ]] && rm -f /usr/sbin/policy-rc.d
    if [[ $rc -ne 0 ]]; then
        tail -n 40 /tmp/kmeans-sweep-slurm-apt.log >&2
        die "apt-get failed (rc=$rc), full log: /tmp/kmeans-sweep-slurm-apt.log"
    fi
    packages_missing && die "packages still missing after install"
    log "install done in $(elapsed "$t0") s"
}

# ---------------------------------------------------------------- pid helpers
pidfile() { echo "$RUN_DIR/$1.pid"; }

# comm name of each daemon as it appears in /proc/PID/comm
daemon_comm() {
    case "$1" in
        mariadb) echo mariadbd ;;
        *) echo "$1" ;;
    esac
}

# pid of daemon $1 if it is alive and is really that daemon
daemon_pid() {
    local f pid
    f=$(pidfile "$1")
    [[ -s $f ]] || return 1
    pid=$(<"$f")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ -r /proc/$pid/comm ]] || return 1
    local comm; comm=$(</proc/"$pid"/comm)
    # setpriv: our wrapper for munged, just before it execs the daemon
    [[ $comm == "$(daemon_comm "$1")" || $comm == setpriv ]] || return 1
    echo "$pid"
}

daemon_alive() { daemon_pid "$1" >/dev/null; }

any_daemon_alive() {
    local d
    for d in "${DAEMONS[@]}"; do daemon_alive "$d" && return 0; done
    return 1
}

# process $1 exists and is not a zombie (whatever its name)
pid_running() {
    local stat
    stat=$(<"/proc/$1/stat") 2>/dev/null || return 1
    stat=${stat##*) }   # fields after "(comm) "; the first is the state
    [[ -n $stat && ${stat:0:1} != Z && ${stat:0:1} != X ]]
}

# start "$name" "$cmd..." : run in the foreground mode of the daemon, in background.
# The background pid is a bash subshell, then maybe a wrapper (setpriv), before it
# becomes the daemon by exec; wait for that, so that daemon_alive (which checks the
# name, against pid reuse) is meaningful from here on. How long the wrapper takes
# varies by machine (setpriv --init-groups asks NSS for the user's groups).
spawn() {
    local name=$1; shift
    local pid comm deadline
    "$@" >>"$LOG_DIR/$name.out" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$(pidfile "$name")"
    disown "$pid" 2>/dev/null || true
    deadline=$((SECONDS + START_TIMEOUT))
    while ((SECONDS < deadline)); do
        comm=$(<"/proc/$pid/comm") 2>/dev/null || comm=""
        [[ $comm == "$(daemon_comm "$name")" ]] && return 0
        pid_running "$pid" || fail_with_log "$name" "$name exited during startup"
        sleep 0.05
    done
    fail_with_log "$name" "$name (pid $pid) still named '$comm' after ${START_TIMEOUT}s, not $(daemon_comm "$name")"
}

fail_with_log() {
    local name=$1 msg=$2 f
    log "ERROR: $msg"
    for f in "$LOG_DIR/$name.log" "$LOG_DIR/$name.out"; do
        if [[ -s $f ]]; then
            echo "----- tail of $f -----" >&2
            tail -n "$([[ $f == *.out ]] && echo 10 || echo 30)" "$f" >&2
        fi
    done
    log "state dir: $STATE_DIR (stop with: $0 stop)"
    exit 1
}

# wait_for NAME SECONDS CHECK-CMD... : poll until the check passes; fail if the daemon dies
wait_for() {
    local name=$1 secs=$2; shift 2
    local deadline=$((SECONDS + secs))
    while ((SECONDS < deadline)); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        daemon_alive "$name" || fail_with_log "$name" "$name exited during startup"
        sleep 0.3
    done
    fail_with_log "$name" "$name not ready after ${secs}s (check: $*)"
}

# ---------------------------------------------------------------- configs
write_configs() {
    local host ncpu mem_total_mb realmem
    host=$(hostname -s)
    # Declare more CPUs than the machine has (SLURM_CPUS, default 8): Slurm accepts it with
    # SlurmdParameters=config_overrides and runs that many one-CPU jobs at once (overcommitted),
    # so tests can check that a sweep fans out over several cluster slots on a 2-core machine.
    ncpu=${SLURM_CPUS:-8}
    mem_total_mb=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 }' /proc/meminfo)
    # RealMemory must not exceed what slurmd detects, or the node is drained.
    realmem=$((mem_total_mb * 8 / 10))
    if ((realmem > 16000)); then realmem=16000; fi

    cat >"$CONF_DIR/slurm.conf" <<EOF
$MARKER
# One-node test cluster: node "$host" = this machine.
ClusterName=$CLUSTER_NAME
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
MailProg=/bin/true
# no cgroup/systemd in containers: track processes by parent pid
ProctrackType=proctrack/linuxproc
# task/none adds a CPU-binding warning to every job log
TaskPlugin=task/affinity
ReturnToService=2
SlurmctldPidFile=$RUN_DIR/slurmctld.slurm.pid
SlurmdPidFile=$RUN_DIR/slurmd.slurm.pid
SlurmctldLogFile=$LOG_DIR/slurmctld.log
SlurmdLogFile=$LOG_DIR/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
StateSaveLocation=$SPOOL_DIR/ctld
SlurmdSpoolDir=$SPOOL_DIR/d
SlurmdParameters=config_overrides
SwitchType=switch/none
SchedulerType=sched/backfill
# share the node between jobs by core and memory
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# without it every job asks for the whole node's memory -> jobs run one at a time
DefMemPerCPU=1000
# accounting (sacct is what snakemake-executor-plugin-slurm polls)
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30
JobCompType=jobcomp/none
# short timers for tests
SlurmctldTimeout=30
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
MinJobAge=300
Waittime=0
NodeName=$host NodeAddr=127.0.0.1 CPUs=$ncpu RealMemory=$realmem State=UNKNOWN
PartitionName=$PARTITION Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

    cat >"$CONF_DIR/slurmdbd.conf" <<EOF
$MARKER
AuthType=auth/munge
DbdHost=localhost
DbdAddr=127.0.0.1
SlurmUser=root
DebugLevel=info
LogFile=$LOG_DIR/slurmdbd.log
PidFile=$RUN_DIR/slurmdbd.slurm.pid
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$DB_PORT
StorageUser=slurm
StoragePass=$DB_PASS
StorageLoc=slurm_acct_db
EOF
    chmod 600 "$CONF_DIR/slurmdbd.conf"

    cat >"$CONF_DIR/cgroup.conf" <<EOF
$MARKER
# not used (ProctrackType=proctrack/linuxproc, TaskPlugin=task/affinity);
# present so that no plugin complains about a missing file.
CgroupPlugin=autodetect
EOF

    # Install into /etc/slurm, the path compiled into the clients and daemons.
    mkdir -p "$ETC_SLURM"
    local f
    for f in slurm.conf slurmdbd.conf cgroup.conf; do
        if [[ -e $ETC_SLURM/$f ]] && ! grep -qF "$MARKER" "$ETC_SLURM/$f" &&
            [[ ! -e $ETC_SLURM/$f.kmeans-sweep-orig ]]; then
            cp -p "$ETC_SLURM/$f" "$ETC_SLURM/$f.kmeans-sweep-orig"
            log "backed up existing $ETC_SLURM/$f to $f.kmeans-sweep-orig"
        fi
        install -m "$([[ $f == slurmdbd.conf ]] && echo 600 || echo 644)" "$CONF_DIR/$f" "$ETC_SLURM/$f"
    done
}

# ---------------------------------------------------------------- daemons
# shellcheck disable=SC2120  # called with arguments via wait_for
mysql_root() { mariadb --no-defaults --socket="$DB_SOCK" -uroot "$@"; }

start_mariadb() {
    if [[ ! -d $DB_DIR/mysql ]]; then
        log "initialising mariadb datadir $DB_DIR"
        mkdir -p "$DB_DIR"
        chown mysql:mysql "$DB_DIR"
        mariadb-install-db --no-defaults --user=mysql --datadir="$DB_DIR" \
            --auth-root-authentication-method=socket --skip-test-db \
            >"$LOG_DIR/mariadb-install-db.out" 2>&1 ||
            fail_with_log mariadb-install-db "mariadb-install-db failed"
    fi
    # mariadbd drops to user mysql: its socket dir and log file must be writable by it
    mkdir -p "$DB_RUN_DIR"
    touch "$LOG_DIR/mariadb.log"
    chown mysql:mysql "$DB_RUN_DIR" "$LOG_DIR/mariadb.log" "$DB_DIR"
    spawn mariadb /usr/sbin/mariadbd --no-defaults --user=mysql \
        --datadir="$DB_DIR" --socket="$DB_SOCK" --pid-file="$DB_RUN_DIR/mariadbd.pid" \
        --bind-address=127.0.0.1 --port="$DB_PORT" --skip-name-resolve \
        --log-error="$LOG_DIR/mariadb.log" \
        --innodb-buffer-pool-size=1024M --innodb-log-file-size=64M \
        --innodb-lock-wait-timeout=900
    wait_for mariadb "$START_TIMEOUT" mysql_root -e 'SELECT 1'
    # shellcheck disable=SC2119
    mysql_root <<EOF
CREATE DATABASE IF NOT EXISTS slurm_acct_db;
CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '$DB_PASS';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';
FLUSH PRIVILEGES;
EOF
}

munge_works() { { munge -n </dev/null | unmunge; } >/dev/null 2>&1; }

start_munged() {
    if [[ ! -s /etc/munge/munge.key ]]; then
        log "creating /etc/munge/munge.key"
        mungekey --create --keyfile=/etc/munge/munge.key
        chown munge:munge /etc/munge/munge.key
        chmod 400 /etc/munge/munge.key
    fi
    mkdir -p "$MUNGE_SOCK_DIR" /var/log/munge /var/lib/munge
    chown munge:munge "$MUNGE_SOCK_DIR" /var/log/munge /var/lib/munge
    chmod 755 "$MUNGE_SOCK_DIR"
    # a stale socket/lock from a killed munged would make the new one refuse to start
    if ! munge_works; then
        rm -f "$MUNGE_SOCK_DIR"/munge.socket.2 "$MUNGE_SOCK_DIR"/munge.socket.2.lock
    else
        log "NOTE: a munged not started by this script is already running; using it"
        rm -f "$(pidfile munged)"
        return 0
    fi
    spawn munged setpriv --reuid=munge --regid=munge --init-groups \
        /usr/sbin/munged --foreground --log-file="$LOG_DIR/munged.log"
    wait_for munged "$START_TIMEOUT" munge_works
}

start_slurmdbd() {
    spawn slurmdbd /usr/sbin/slurmdbd -D
    # slurmdbd answers once it has connected to mariadb and created its tables
    wait_for slurmdbd "$START_TIMEOUT" sacctmgr -n -i list cluster
}

start_slurmctld() {
    spawn slurmctld /usr/sbin/slurmctld -D -i
    wait_for slurmctld "$START_TIMEOUT" scontrol ping
    # slurmctld registers the cluster in slurmdbd itself; wait until it is there
    local deadline=$((SECONDS + START_TIMEOUT))
    until [[ $'\n'"$(sacctmgr -n -P list cluster format=cluster 2>/dev/null || true)"$'\n' == *$'\n'"$CLUSTER_NAME"$'\n'* ]]; do
        ((SECONDS < deadline)) || fail_with_log slurmctld "cluster $CLUSTER_NAME not registered in slurmdbd"
        daemon_alive slurmctld || fail_with_log slurmctld "slurmctld exited during startup"
        sleep 0.5
    done
}

node_usable() {
    local st
    st=$(sinfo -h -N -o '%T' 2>/dev/null) || return 1
    st=${st%%$'\n'*}
    [[ $st == idle || $st == mixed || $st == allocated || $st == completing ]]
}

start_slurmd() {
    local host; host=$(hostname -s)
    spawn slurmd /usr/sbin/slurmd -D -N "$host"
    local deadline=$((SECONDS + START_TIMEOUT))
    until node_usable; do
        ((SECONDS < deadline)) || {
            sinfo -N -l >&2 || true
            scontrol show node "$host" >&2 || true
            fail_with_log slurmd "node $host not idle after ${START_TIMEOUT}s"
        }
        daemon_alive slurmd || fail_with_log slurmd "slurmd exited during startup"
        # a node left DOWN/DRAIN by an earlier run: resume it
        case "$(sinfo -h -N -o '%T' 2>/dev/null || true)" in
            down* | drain* | fail*) scontrol update nodename="$host" state=resume 2>/dev/null || true ;;
        esac
        sleep 0.5
    done
}

sacct_works() { sacct -n -X -S now-1hour -o JobID >/dev/null 2>&1; }

smoke_job() {
    local jobid state deadline
    jobid=$(sbatch --parsable -p "$PARTITION" -J cluster-sh-smoke -o /dev/null -e /dev/null \
        -t 1 --mem=10 --wrap true 2>&1) || fail_with_log slurmctld "sbatch failed: $jobid"
    jobid=${jobid%%;*}
    deadline=$((SECONDS + START_TIMEOUT))
    while ((SECONDS < deadline)); do
        state=$(sacct -n -X -P -j "$jobid" -o State 2>/dev/null || true)
        state=${state%%$'\n'*}
        case "$state" in
            COMPLETED) log "smoke job $jobid COMPLETED (seen in sacct)"; return 0 ;;
            FAILED* | CANCELLED* | TIMEOUT* | NODE_FAIL* | OUT_OF_ME*)
                fail_with_log slurmd "smoke job $jobid ended as $state" ;;
        esac
        sleep 0.5
    done
    squeue >&2 || true
    fail_with_log slurmctld "smoke job $jobid not COMPLETED in sacct after ${START_TIMEOUT}s (last state: ${state:-none})"
}

cluster_usable() {
    local d
    for d in mariadb slurmdbd slurmctld slurmd; do daemon_alive "$d" || return 1; done
    munge_works || return 1
    node_usable || return 1
    sacct_works || return 1
}

cmd_start() {
    need_root
    local t0; t0=$(now)
    if [[ -d $STATE_DIR ]] && cluster_usable; then
        log "cluster already running (state dir $STATE_DIR); nothing to do"
        return 0
    fi
    cmd_install
    if any_daemon_alive; then
        log "cluster partly running; stopping it first"
        cmd_stop
    fi
    mkdir -p "$RUN_DIR" "$LOG_DIR" "$CONF_DIR" "$SPOOL_DIR/ctld" "$SPOOL_DIR/d"
    chmod 755 "$STATE_DIR"
    write_configs
    log "starting mariadb";   start_mariadb
    log "starting munged";    start_munged
    log "starting slurmdbd";  start_slurmdbd
    log "starting slurmctld"; start_slurmctld
    log "starting slurmd";    start_slurmd
    wait_for slurmdbd "$START_TIMEOUT" sacct_works
    smoke_job
    log "cluster up in $(elapsed "$t0") s: partition=$PARTITION node=$(hostname -s) state dir=$STATE_DIR"
}

stop_daemon() {
    local name=$1 pid i
    pid=$(daemon_pid "$name") || { rm -f "$(pidfile "$name")"; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do # up to 30 s
        [[ -d /proc/$pid ]] || break
        sleep 0.2
    done
    if [[ -d /proc/$pid ]]; then
        log "$name (pid $pid) did not exit after SIGTERM; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.5
    fi
    rm -f "$(pidfile "$name")"
}

cmd_stop() {
    need_root
    local t0 d i; t0=$(now)
    # reverse start order
    for ((i = ${#DAEMONS[@]} - 1; i >= 0; i--)); do
        d=${DAEMONS[i]}
        if daemon_alive "$d"; then
            log "stopping $d (pid $(daemon_pid "$d"))"
            stop_daemon "$d"
        else
            rm -f "$(pidfile "$d")"
        fi
    done
    log "stopped in $(elapsed "$t0") s"
}

cmd_status() {
    if [[ -d $STATE_DIR ]] && cluster_usable; then
        echo "slurm cluster up: partition=$PARTITION node=$(hostname -s) state dir=$STATE_DIR"
        return 0
    fi
    echo "slurm cluster NOT usable (state dir $STATE_DIR)"
    local d
    for d in "${DAEMONS[@]}"; do
        if daemon_alive "$d"; then echo "  $d: running (pid $(daemon_pid "$d"))"; else echo "  $d: not running"; fi
    done
    return 1
}

cmd_logs() {
    local f
    for f in "$LOG_DIR"/*; do
        [[ -s $f ]] || continue
        echo "----- tail of $f -----"
        tail -n "${1:-20}" "$f"
    done
}

cmd_clean() {
    cmd_stop
    rm -rf "$STATE_DIR"
    log "removed $STATE_DIR"
}

case "${1:-}" in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    clean) cmd_clean ;;
    logs) cmd_logs "${2:-20}" ;;
    *) echo "usage: $0 {install|start|stop|status|clean|logs [N]}" >&2; exit 2 ;;
esac
