#!/bin/sh
# Generate the linker version script from the public headers: every function
# declared in include/cctrusted/*.h is exported, nothing else (internal
# helpers share the cct_ prefix but stay local).
set -eu
out="$1"; shift
{
  echo "CCTRUSTED_0 {"
  echo "  global:"
  cat "$@" | tr '\n' ' ' | grep -o 'cct_[a-z0-9_]*[ ]*(' | sed 's/[ (]//g' | sort -u | sed 's/.*/    &;/'
  echo "  local:"
  echo "    *;"
  echo "};"
} > "$out"
