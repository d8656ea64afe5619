#!/usr/bin/env bash
# Makes a JRE base image from this machine's JDK, as a `docker save` tarball, so that Jib can
# build the Mockstagram image with no registry and no Docker daemon:
#
#   deploy/image/local-base-image.sh                     # writes app/target/base-image.tar
#   mvn -pl app -am package jib:buildTar -DskipTests \
#       -Djib.from.image=tar://$PWD/app/target/base-image.tar
#
# The image holds a jlink'd runtime (only the modules Mockstagram uses), the shared libraries
# that runtime loads, copied from this host, and a non-root user 65532. It is meant for
# machines that cannot reach a container registry; with one, the pom's eclipse-temurin base
# is the better choice (it gets security updates). Needs a JDK 17 with jmods (JAVA_HOME or
# the one on the PATH), tar and ldd.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/app/target/base-image.tar}"
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
jlink="$java_home/bin/jlink"
[ -x "$jlink" ] && [ -d "$java_home/jmods" ] || { echo "$0: no jlink or jmods under $java_home; set JAVA_HOME to a full JDK 17" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
mkdir -p "$rootfs/opt" "$rootfs/etc" "$rootfs/tmp" "$work/image"
chmod 1777 "$rootfs/tmp"

# The modules `jdeps --print-module-deps` finds in the shaded jar, plus TLS (rediss://, sslmode)
# and DNS lookups through JNDI. java.desktop comes for java.beans; its AWT libraries are never loaded.
modules=java.base,java.compiler,java.desktop,java.naming,java.security.jgss,java.sql,jdk.jfr,jdk.management,jdk.unsupported,jdk.crypto.ec,jdk.naming.dns,jdk.zipfs
"$jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 --output "$rootfs/opt/java"

# The libraries the JVM loads: every runtime library but the AWT, sound and image ones.
libs=$(find "$rootfs/opt/java" \( -path '*/bin/java' -o -name '*.so' \) \
        ! -name 'libawt*' ! -name 'libjawt*' ! -name 'libfontmanager*' ! -name 'libsplashscreen*' \
        ! -name 'libjsound*' ! -name 'liblcms*' ! -name 'libjavajpeg*' ! -name 'libmlib_image*' \
      | xargs ldd | grep -o '/[^ ]*\.so[^ ]*' | grep -v "^$rootfs" | sort -u)
for lib in $libs; do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done

printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/tmp:/sbin/nologin\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$rootfs/etc/group"

tar -C "$rootfs" --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 -cf "$work/image/layer.tar" .
diff_id="sha256:$(sha256sum "$work/image/layer.tar" | cut -d' ' -f1)"
cat > "$work/image/config.json" <<JSON
{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"],"User":"65532:65532","WorkingDir":"/tmp"},"rootfs":{"type":"layers","diff_ids":["$diff_id"]}}
JSON
echo '[{"Config":"config.json","RepoTags":["mockstagram-base:local"],"Layers":["layer.tar"]}]' > "$work/image/manifest.json"
mkdir -p "$(dirname "$out")"
tar -C "$work/image" -cf "$out" manifest.json config.json layer.tar
echo "$out ($(du -h "$out" | cut -f1)): java $("$rootfs/opt/java/bin/java" -version 2>&1 | head -1)"
