#!/usr/bin/env bash
# The Spark engine of `goldenthread link` runs on a Java runtime (Spark 4 needs Java 17 or later).
# Install Debian's headless JRE when java is missing and we are root.
set -euo pipefail
java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1; }
if command -v java >/dev/null 2>&1 && [ "$(java_major)" -ge 17 ] 2>/dev/null; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-java: installing Debian's default-jre-headless" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >&2
fi
command -v java >/dev/null 2>&1 && [ "$(java_major)" -ge 17 ] 2>/dev/null || {
  echo "ensure-java: Spark needs Java 17 or later; found: $(java -version 2>&1 | head -n1 || echo none)" >&2
  exit 1
}
