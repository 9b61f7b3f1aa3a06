#!/bin/bash
# Installs a software Vulkan driver (Mesa's lavapipe) so that onnxruntime-node's WebGPU EP (Dawn) finds an
# adapter on machines without a GPU: the unit tests under test/unit/webgpu run the GPU code path of the
# Trainer in every test run. Called by setup.sh; can be run alone. Idempotent: apt only runs when the
# driver is missing or too old.
#
# Why backports: bookworm's own mesa-vulkan-drivers (22.3) lacks features Dawn requires ("Vulkan
# shaderUniform*ArrayDynamicIndexing required ... No supported adapters"); bookworm-backports' Mesa 25
# works (measured). Debian 13 (trixie) and later ship a new enough Mesa, so there no extra source is added.
set -euo pipefail
say() { echo "[test-host setup] $*"; }
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
MIN_MESA=24   # first major version seen to work with Dawn is 25; 23/24 are untested but have the features

# Prints the installed version, or nothing (dpkg-query fails for unknown packages: not an error here).
installed_version() { { dpkg-query -W -f='${Status} ${Version}' "$1" 2>/dev/null || true; } | sed -n 's/^install ok installed //p'; }
mesa=$(installed_version mesa-vulkan-drivers)
if [ -n "$mesa" ] && dpkg --compare-versions "$mesa" ge "$MIN_MESA" && [ -n "$(installed_version libvulkan1)" ]; then
  say "lavapipe: mesa-vulkan-drivers $mesa"
  exit 0
fi

. /etc/os-release
codename=${VERSION_CODENAME:-}
target=()
if [ "${ID:-}" = debian ] && [ "$codename" = bookworm ]; then
  target=(-t bookworm-backports)
  # The backports entry reuses the mirror and keyring of the machine's existing Debian source, which comes
  # in one of two formats: deb822 (`/etc/apt/sources.list.d/*.sources`, the default of Debian images since
  # bookworm's docker images) or one-line (`/etc/apt/sources.list` or `*.list`). Both are read here; the new
  # entry is always written as deb822, which apt has read since 1.1.
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    uri=; keyring=
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -f "$f" ] || continue
      # First stanza whose Suites include plain "bookworm" (not -security, whose URI is a different archive).
      read -r uri keyring < <(awk -v RS= '/(^|\n)Suites:[^\n]*bookworm( |\n|$)/ {
          u = ""; k = ""; n = split($0, L, "\n")
          for (i = 1; i <= n; i++) {
            if (L[i] ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", L[i]); split(L[i], a, " "); u = a[1] }
            if (L[i] ~ /^Signed-By:/) { sub(/^Signed-By:[ \t]*/, "", L[i]); k = L[i] }
          }
          if (u != "") { print u, (k == "" ? "-" : k); exit }
        }' "$f") || true
      [ -n "$uri" ] && break
    done
    if [ -z "$uri" ]; then
      # One-line format: deb [signed-by=/path arch=...] URI bookworm main ...
      line=$(grep -hsE '^\s*deb\s.*\sbookworm(\s|$)' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | head -1 || true)
      if [ -n "$line" ]; then
        keyring=$(sed -nE 's/.*signed-by=([^] ]+).*/\1/p' <<<"$line")
        uri=$(sed -E 's/^\s*deb\s+(\[[^]]*\]\s+)?//' <<<"$line" | awk '{print $1}')
      fi
    fi
    [ -n "$uri" ] || { say "no Debian bookworm source found in /etc/apt; cannot add bookworm-backports"; exit 1; }
    [ -n "$keyring" ] && [ "$keyring" != - ] || keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    say "adding /etc/apt/sources.list.d/bookworm-backports.sources ($uri, $keyring)"
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: %s\n' "$uri" "$keyring" \
      | $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
  fi
fi

say "apt-get install ${target[*]} mesa-vulkan-drivers libvulkan1"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${target[@]}" mesa-vulkan-drivers libvulkan1 </dev/null >/dev/null
say "lavapipe: mesa-vulkan-drivers $(installed_version mesa-vulkan-drivers)"
