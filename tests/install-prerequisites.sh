#!/usr/bin/env bash
# Installs what the viewer and video tests need from Debian (as root), or names exactly what to install:
# ffmpeg and ffprobe (H.264 video, `testbed replay --video`), chromium (the browser tests drive it headless through
# Playwright, which cannot download a browser here) and DejaVu fonts (the video overlay's text, same on every machine).
# Called by `./testbed test`. Exit 0 when all is there.
set -euo pipefail
missing=()
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
[[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || missing+=(fonts-dejavu-core)
(( ${#missing[@]} == 0 )) && exit 0
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "testbed: installing ${missing[*]} (apt-get)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
else
  echo "testbed: missing Debian packages for the viewer and video tests: ${missing[*]}" >&2
  echo "testbed: install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 2
fi
