# Sourced by the project's scripts: builds target/chat-platform.jar when it is missing or older than the sources.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$ROOT/scripts/lib/jdk.sh"

if ! command -v mvn >/dev/null 2>&1; then
  echo "error: Maven (mvn) is not installed; install it, e.g. 'apt-get install maven'" >&2
  exit 1
fi

JAR="$ROOT/target/chat-platform.jar"
if [ ! -f "$JAR" ] || [ -n "$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$JAR" -print -quit)" ]; then
  echo "building the server (mvn package)..." >&2
  (cd "$ROOT" && mvn -B -q -DskipTests package) >&2 || { echo "error: the build failed" >&2; exit 1; }
fi
