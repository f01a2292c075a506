# The Debian package (`make deb`, CPack): built from the build that made the
# binary, unpacked with dpkg-deb, and the binary and the man page run from
# it; its control file names what it needs; packaging/Containerfile copies
# the file that CPack names.
source "$(dirname "$0")/lib.sh"
BUILD=$(dirname "$LINEUP")
cd "$WORK"
if [ ! -f "$BUILD/CPackConfig.cmake" ]; then
  fail "$BUILD/CPackConfig.cmake missing: configure the build with cmake first"
  finish; exit
fi
expect_exit 0 cpack --config "$BUILD/CPackConfig.cmake" -G DEB -B "$WORK/pkg"
deb=$(ls "$WORK"/pkg/lineup_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] && pass || { fail "no lineup_*.deb in $WORK/pkg"; finish; exit; }
case "$(basename "$deb")" in lineup_*_*.deb) pass ;; *) fail "unexpected name $(basename "$deb")" ;; esac
expect_exit 0 dpkg-deb --info "$deb"
expect_contains "Package: lineup"
expect_contains "Depends:"
expect_contains "Recommends: libssl3"
expect_exit 0 dpkg-deb -x "$deb" root
expect_exit 0 root/usr/bin/lineup version
expect_contains "lineup "
expect_exit 0 root/usr/bin/lineup wait --timeout 5s "file:$WORK/root/usr/bin/lineup"
man1=$(ls root/usr/share/man/man1/lineup.1* 2>/dev/null | head -1)
[ -n "$man1" ] && pass || fail "no man page in the package"
OUT=$(case "$man1" in *.gz) gzip -dc "$man1" ;; *) cat "$man1" ;; esac | groff -man -Tutf8 -ww 2>&1)
grep -q "export kubernetes" <<<"$OUT" && pass || fail "the packaged man page does not render the export command"
[ -s root/usr/share/bash-completion/completions/lineup ] && pass || fail "no bash completion in the package"
[ -s root/usr/share/lineup/lineup.schema.json ] && pass || fail "no schema in the package"
# The Containerfile installs the file CPack makes (no container engine runs here).
grep -q '^COPY lineup_\*\.deb /tmp/$' "$SRC/packaging/Containerfile" && pass || fail "Containerfile does not COPY lineup_*.deb"
grep -q 'apt-get install .* /tmp/lineup_\*\.deb' "$SRC/packaging/Containerfile" && pass || fail "Containerfile does not install the package"
finish
