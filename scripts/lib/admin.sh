# Sourced by the admin scripts: talks to the admin API with curl.
# Environment: CHAT_ADMIN_URL (default http://127.0.0.1:$CHAT_ADMIN_PORT, the port scripts/run and scripts/cluster
# take, 8081 unless set), CHAT_ADMIN_USER, CHAT_ADMIN_PASSWORD.
# Prints the JSON answer on stdout; errors on stderr; exits non-zero on failure. The password never appears
# on a command line (curl reads it from a file descriptor) and is never printed.

ADMIN_URL="${CHAT_ADMIN_URL:-http://127.0.0.1:${CHAT_ADMIN_PORT:-8081}}"

die() {
  echo "error: $*" >&2
  exit 1
}

# option_value "$@" in an option loop: fails with a usage error unless the option ($1) has a value ($2).
option_value() {
  [ $# -ge 2 ] && [ -n "$2" ] && [[ "$2" != --* ]] || { echo "error: $1 needs a value (see --help)" >&2; exit 2; }
}

need_credentials() {
  command -v curl >/dev/null 2>&1 || die "curl is not installed"
  [ -n "${CHAT_ADMIN_USER:-}" ] || die "set CHAT_ADMIN_USER (and CHAT_ADMIN_PASSWORD): the admin credentials"
  [ -n "${CHAT_ADMIN_PASSWORD:-}" ] || die "set CHAT_ADMIN_PASSWORD: the admin password"
}

# A JSON string literal of $1: every control character escaped (JSON allows none raw).
json_str() {
  local s=$1 c code
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  for ((code = 1; code < 32; code++)); do
    printf -v c "\\$(printf '%03o' "$code")"
    if [[ "$s" == *"$c"* ]]; then s=${s//"$c"/$(printf '\\u%04x' "$code")}; fi
  done
  printf '"%s"' "$s"
}

# $1 as one URL path segment: every byte but A-Z a-z 0-9 '-' '_' percent-encoded ('.' too, so that no segment is
# "." or ".."). The scripts keep no copy of the server's rules for ids and names: the admin API judges them and
# its error is printed.
url_segment() {
  [ -n "$1" ] || die "an empty name"
  local LC_ALL=C s=$1 out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case "$c" in
      [A-Za-z0-9_-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}

# admin_call METHOD PATH [JSON-BODY]: prints the answer; fails unless the status is 2xx.
admin_call() {
  need_credentials
  local method=$1 path=$2 body=${3:-} out status
  out=$(mktemp)
  local args=(-sS -X "$method" -o "$out" -w '%{http_code}' --config /dev/fd/3 "$ADMIN_URL$path")
  if [ -n "$body" ]; then
    args+=(-H 'Content-Type: application/json' --data-binary @-)
  fi
  local failure
  failure=$(mktemp)
  status=$(printf '%s' "$body" | curl "${args[@]}" 3< <(printf 'user = "%s:%s"\n' "$CHAT_ADMIN_USER" "$CHAT_ADMIN_PASSWORD") 2>"$failure") || {
    local why
    why=$(head -c 300 "$failure")
    rm -f "$out" "$failure"
    die "cannot reach the admin API at $ADMIN_URL (is the server running? CHAT_ADMIN_URL or CHAT_ADMIN_PORT sets where): ${why#curl: }"
  }
  rm -f "$failure"
  if [ "$status" = "401" ]; then
    rm -f "$out"
    die "HTTP 401: the admin API at $ADMIN_URL refused these credentials (check CHAT_ADMIN_USER and CHAT_ADMIN_PASSWORD)"
  fi
  if [ "${status:0:1}" != "2" ]; then
    echo "error: HTTP $status from $method $path" >&2
    cat "$out" >&2
    echo >&2
    rm -f "$out"
    exit 1
  fi
  if [ -s "$out" ]; then
    cat "$out"
    echo
  else
    printf '{"ok":true,"status":%s}\n' "$status"
  fi
  rm -f "$out"
}

# read_password FILE USER: sets $password from the first line of FILE, or, when FILE is empty, from standard input
# (prompting with USER's name on a terminal, not echoed), so a password never appears on a command line.
read_password() {
  if [ -n "$1" ]; then
    [ -r "$1" ] || die "cannot read $1"
    password=$(head -n 1 "$1")
  else
    [ -t 0 ] && printf 'password for %s: ' "$2" >&2
    IFS= read -r -s password || true
    if [ -t 0 ]; then
      # typed unseen: a typo would set a password nobody knows
      local again
      printf '\nthe same again: ' >&2
      IFS= read -r -s again || true
      echo >&2
      [ "$password" = "$again" ] || die "the two passwords differ: nothing changed"
    fi
  fi
  password=${password%$'\r'} # a file written on Windows: its line ends in CR LF, and the CR is no part of it
  password=${password#$'\xef\xbb\xbf'} # and may begin with a byte order mark (Notepad, PowerShell 5.1)
  [ -n "$password" ] || die "no password given (one line on standard input, or --password-file FILE)"
  if command -v iconv >/dev/null 2>&1 && ! printf '%s' "$password" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1; then
    die "the password is not UTF-8 text"
  fi
}

usage_from_header() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$1"
}
