#!/bin/sh
# Generate the linker version script from the public headers: every function
# declared in include/cctrusted/*.h is exported, nothing else (internal
# helpers share the cct_ prefix but stay local).
# Usage: gen-symbols.sh [--list] OUT HEADER...
#   --list  write the bare names, one a line (objcopy --keep-global-symbols)
set -eu
list=0
if [ "$1" = "--list" ]; then
    list=1
    shift
fi
out="$1"; shift
names=$(cat "$@" | tr '\n' ' ' | grep -o 'cct_[a-z0-9_]*[ ]*(' | sed 's/[ (]//g' | sort -u)
if [ "$list" -eq 1 ]; then
    echo "$names" > "$out"
    exit 0
fi
{
  echo "CCTRUSTED_0 {"
  echo "  global:"
  echo "$names" | sed 's/.*/    &;/'
  echo "  local:"
  echo "    *;"
  echo "};"
} > "$out"
