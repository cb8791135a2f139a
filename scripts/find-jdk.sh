#!/usr/bin/env bash
# Prints the home of a JDK 21 or newer: $JAVA_HOME when it is one, else the newest under /usr/lib/jvm.
# Chit-Chat compiles with --release 21 and runs best on 24+ (virtual threads no longer pin in synchronized code).
set -euo pipefail

major() { # the feature version of the JDK at $1, or 0
  local release="$1/release"
  [[ -x "$1/bin/javac" && -f "$release" ]] || { echo 0; return; }
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release" | head -n1
}

if [[ -n "${JAVA_HOME:-}" && "$(major "$JAVA_HOME")" -ge 21 ]]; then
  echo "$JAVA_HOME"
  exit 0
fi

best="" best_version=0
for home in /usr/lib/jvm/*; do
  [[ -d "$home" && ! -L "$home" ]] || continue
  version=$(major "$home")
  if [[ "$version" -ge 21 && "$version" -gt "$best_version" ]]; then
    best="$home" best_version="$version"
  fi
done

if [[ -z "$best" ]]; then
  {
    echo "No JDK 21 or newer found (checked JAVA_HOME and /usr/lib/jvm)."
    echo "Install one, e.g. Temurin 25 (https://adoptium.net) or 'apt-get install openjdk-21-jdk' where available,"
    echo "then run make again (or point JAVA_HOME at it)."
  } >&2
  exit 1
fi
echo "$best"
