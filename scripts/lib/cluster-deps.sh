# Sourced by scripts/cluster: finds the servers a cluster runs on, Debian's packages, or installs them.
# Sets PG_BIN (the folder of initdb, pg_ctl, postgres, psql), REDIS_SERVER and HAPROXY. A missing package is
# installed with apt-get when running as root (as CI does); otherwise the script stops saying what to install.

# The newest PostgreSQL server's bin folder: Debian keeps them off the PATH, in /usr/lib/postgresql/<major>/bin.
find_pg_bin() {
  local dir best="" best_major=0 major
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] || continue
    major=$(basename "$(dirname "$dir")")
    major=${major%%.*}
    if [[ $major =~ ^[0-9]+$ ]] && [ "$major" -gt "$best_major" ]; then
      best=$dir
      best_major=$major
    fi
  done
  if [ -z "$best" ] && command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    best=$(dirname "$(command -v initdb)")
  fi
  [ -n "$best" ] && echo "$best"
}

# Prints the Debian packages of the servers that are missing, one per line.
missing_cluster_packages() {
  [ -n "$(find_pg_bin)" ] || echo postgresql
  command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || echo redis-server
  command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || echo haproxy
}

ensure_cluster_packages() {
  local missing
  missing=$(missing_cluster_packages | tr '\n' ' ')
  missing=${missing% }
  if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "error: the cluster needs Debian's packages '$missing', which are not installed; run" \
        "'sudo apt-get install -y $missing' (or run this script as root to install them) and try again" >&2
      exit 1
    fi
    command -v apt-get >/dev/null 2>&1 || {
      echo "error: the cluster needs $missing and this machine has no apt-get; install them by hand" >&2
      exit 1
    }
    echo "installing $missing with apt-get..." >&2
    # another apt-get may hold the lock (other installs on a shared machine): wait for it rather than fail
    local apt=(apt-get -o DPkg::Lock::Timeout=600 -q)
    # shellcheck disable=SC2086
    if ! { DEBIAN_FRONTEND=noninteractive "${apt[@]}" update &&
      DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends $missing; } </dev/null >&2; then
      echo "error: apt-get install $missing failed (output above)" >&2
      exit 1
    fi
    missing=$(missing_cluster_packages | tr '\n' ' ')
    if [ -n "$missing" ]; then
      echo "error: apt-get ran but these are still missing: $missing" >&2
      exit 1
    fi
  fi
  PG_BIN=$(find_pg_bin)
  REDIS_SERVER=$(command -v redis-server || echo /usr/bin/redis-server)
  HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
}
