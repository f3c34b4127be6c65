# Sourced by the project's scripts: builds target/chat-platform.jar when it is missing or older than the sources.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$ROOT/scripts/lib/jdk.sh"

if ! command -v mvn >/dev/null 2>&1; then
  echo "error: Maven (mvn) is not installed; install it, e.g. 'apt-get install maven'" >&2
  exit 1
fi

JAR="$ROOT/target/chat-platform.jar"
if [ ! -f "$JAR" ] || [ -n "$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$JAR" -print -quit)" ]; then
  # the build bundles the web client (src/main/web) with npm and esbuild; without them mvn fails late, in npm's words
  for tool in node npm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "error: '$tool' is needed to build the web client and is not installed; install Node.js 20+ and npm, e.g. 'apt-get install nodejs npm'" >&2
      exit 1
    fi
  done
  echo "building the server (mvn package)..." >&2
  # quiet means quiet: not the JDK 24+ warnings about the sun.misc.Unsafe in Maven's own Guava
  MVN_JVM=${MAVEN_OPTS:-}
  [ "$(jdk_major "$JAVA_HOME")" -lt 24 ] || MVN_JVM+=" --sun-misc-unsafe-memory-access=allow"
  (cd "$ROOT" && MAVEN_OPTS=$MVN_JVM mvn -B -q -DskipTests package) >&2 ||
    { echo "error: the build failed" >&2; exit 1; }
fi
