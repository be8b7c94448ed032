# Shared setup of the benchmark scripts (sourced from the project root, after BUILD is set).
#
#   bench_setup NAME "APT-PACKAGES" TOOL...
#
# Stops with a message naming the packages to install when a TOOL or GNU time
# (/usr/bin/time) is missing; then configures BUILD if needed and builds it.
bench_setup() {
    name=$1
    pkgs=$2
    shift 2
    for t in "$@"; do
        command -v "$t" >/dev/null || { echo "$name: $t is missing (apt-get install -y $pkgs)" >&2; exit 1; }
    done
    [ -x /usr/bin/time ] || { echo "$name: /usr/bin/time is missing (apt-get install -y time)" >&2; exit 1; }
    [ -d "$BUILD" ] || meson setup "$BUILD"
    ninja -C "$BUILD" >/dev/null
}
