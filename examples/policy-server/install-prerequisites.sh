#!/usr/bin/env bash
# Installs what the example policy server needs from Debian (as root), or names exactly what to install.
# Called by `./testbed test` (the suite starts this server) and usable on its own. Exit 0 when all is there.
set -euo pipefail
# Debian's own interpreter: apt installs the modules for it, whatever python3 comes first on PATH (pyenv, conda).
PYTHON=/usr/bin/python3
python_module_missing() { ! "$PYTHON" -c "import $1" >/dev/null 2>&1; }
missing=()
[[ -x $PYTHON ]] || missing+=(python3)
if [[ -x $PYTHON ]]; then
  python_module_missing grpc && missing+=(python3-grpcio)
  python_module_missing grpc_tools && missing+=(python3-grpc-tools)
  python_module_missing google.protobuf && missing+=(python3-protobuf)
else
  missing+=(python3-grpcio python3-grpc-tools python3-protobuf)
fi
(( ${#missing[@]} == 0 )) && exit 0
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "policy-server: installing ${missing[*]} (apt-get)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
else
  echo "policy-server: missing Debian packages: ${missing[*]}" >&2
  echo "policy-server: install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 2
fi
