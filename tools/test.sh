#!/bin/sh
# Run every test: installs the Debian packages it needs (idempotent), builds
# the normal and the ASan+UBSan configurations, and runs the test suites.
set -eu
cd "$(dirname "$0")/.."

PKGS="meson ninja-build pkg-config gcc clang-14 libclang-rt-14-dev llvm-14 libssl-dev libjson-c-dev
      libcbor-dev libcurl4-openssl-dev libtss2-dev tpm2-tools swtpm swtpm-tools libcmocka-dev python3 python3-venv python3-wheel-whl ima-evm-utils time
      qemu-system-x86 ovmf linux-image-amd64 busybox-static cpio openssl clang-format-14
      libnghttp2-dev libprotobuf-c-dev protobuf-c-compiler python3-grpcio python3-protobuf python3-yaml
      util-linux runc podman gnu-efi mtools dosfstools
      man-db bash-completion zsh dpkg-dev debhelper dh-python python3-all lintian"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq $missing
fi

# Style checks, before any build; a failure fails the run.
#   - layering rules (tools/check-layers.sh): always; known violations listed
#     in tools/layering-exceptions.txt are printed as warnings;
#   - clang-format (tools/format.sh --check) and the 100-column limit
#     (tools/check-lines.sh): the tree is formatted, so any difference fails.
echo "== style checks"
style_fail=0
./tools/check-layers.sh || style_fail=1
./tools/format.sh --check || { echo "clang-format: the files above differ (run tools/format.sh)"; style_fail=1; }
./tools/check-lines.sh || style_fail=1
[ "$style_fail" -eq 0 ] || { echo "style checks failed"; exit 1; }

jobs=$(nproc)
echo "== build (debugoptimized)"
# Both test builds carry the test-only crash hook (-Dtest_hooks=true): the
# runtime-log, agent and container crash tests need it. The installed form
# (default options) is hook-free: the Debian package test builds and runs it,
# and check-test-hooks verifies both with nm.
[ -d build ] || meson setup build -Dtest_hooks=true
meson configure build -Dtest_hooks=true
ninja -C build
echo "== tests (with the slow Debian package test)"
CCT_TEST_DEBS=1 meson test -C build --print-errorlogs --num-processes "$jobs"

echo "== build without tpm2-tss (-Dtpm=disabled): library and CLI"
[ -d build-notpm ] || meson setup build-notpm -Dtpm=disabled
ninja -C build-notpm src/cli/cctrusted
sh tests/packaging/notpm.sh build-notpm

echo "== build (ASan + UBSan)"
[ -d build-asan ] || CC=clang-14 meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
    -Dbuildtype=debug -Dtest_hooks=true
meson configure build-asan -Dtest_hooks=true
ninja -C build-asan
echo "== tests under ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C build-asan --print-errorlogs --num-processes "$jobs" --timeout-multiplier 2

# One summary line over both configurations.
python3 - build/meson-logs/testlog.json build-asan/meson-logs/testlog.json <<'PY'
import json, sys
res = {"OK": 0, "FAIL": 0, "SKIP": 0}
for path in sys.argv[1:]:
    for line in open(path):
        r = json.loads(line).get("result", "")
        if r in ("OK", "EXPECTEDFAIL"):
            res["OK"] += 1
        elif r == "SKIP":
            res["SKIP"] += 1
        else:
            res["FAIL"] += 1
print(f"tests: {res['OK']} passed, {res['FAIL']} failed, {res['SKIP']} skipped")
PY
