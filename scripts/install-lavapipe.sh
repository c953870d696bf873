#!/usr/bin/env bash
# Installs lavapipe (Mesa's software Vulkan driver) so that Dawn (npm `webgpu`) finds a WebGPU
# adapter on a machine without a GPU: CI, containers, laptops without Vulkan. The GPU tests of
# qinfer-rx (test/gpu*.test.ts) run on it; see docs/gpu.md.
#
# Debian bookworm's own mesa-vulkan-drivers (22.3) is rejected by Dawn ("Vulkan
# shaderUniform*ArrayDynamicIndexing required"), so this takes Mesa 25 from bookworm-backports and
# unpacks it into a folder of its own: the system's Mesa and apt configuration are untouched
# (the backports index goes to a private apt state directory that is deleted afterwards).
#
# usage:   bash scripts/install-lavapipe.sh [DEST]
#          DEST defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/qinfer-rx/lavapipe
# prints:  export VK_DRIVER_FILES=DEST/lvp_icd.json   (eval it, or set it in the test environment)
#          e.g.  eval "$(bash scripts/install-lavapipe.sh)"
# Needs root (apt-get) on Debian 12 (bookworm) or a derivative with the same mirror layout.
# Takes ~10 s and ~64 MB. Safe to run again: an existing install is reused.
set -euo pipefail
DEST_ARG="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/qinfer-rx/lavapipe}"
mkdir -p "$DEST_ARG"
DEST="$(cd "$DEST_ARG" && pwd)"
ICD="$DEST/lvp_icd.json"
LIB="$DEST/root/usr/lib/x86_64-linux-gnu"
if [ -f "$ICD" ] && [ -f "$LIB/libvulkan_lvp.so" ]; then
  echo "export VK_DRIVER_FILES=$ICD"; exit 0
fi
[ "$(uname -m)" = x86_64 ] || { echo "install-lavapipe: only x86_64 is supported (got $(uname -m))" >&2; exit 1; }
command -v apt-get >/dev/null || { echo "install-lavapipe: needs apt-get (Debian bookworm)" >&2; exit 1; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-lavapipe: needs root or sudo for apt-get" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
# The Vulkan loader and LLVM 15 (lavapipe's JIT) come from the system's own suite.
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq --no-install-recommends libvulkan1 libllvm15 >&2
# Reuse the mirror this machine is already configured with; only the suite differs.
URI="$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
[ -n "$URI" ] || URI="$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)"
[ -n "$URI" ] || { echo "install-lavapipe: no Debian mirror configured in /etc/apt" >&2; exit 1; }
A="$DEST/apt"; rm -rf "$A"; mkdir -p "$A/parts" "$A/lists/partial" "$A/cache" "$A/debs"
trap 'rm -rf "$A"' EXIT
printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$URI" > "$A/parts/bp.sources"
O=(-o APT::Sandbox::User=root -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$A/parts" -o Dir::State::Lists="$A/lists" -o Dir::Cache="$A/cache")
apt-get "${O[@]}" update -qq >&2
(cd "$A/debs" && apt-get "${O[@]}" download -qq mesa-vulkan-drivers/bookworm-backports libdrm2/bookworm-backports libdrm-amdgpu1/bookworm-backports >&2)
for f in "$A"/debs/*.deb; do dpkg -x "$f" "$DEST/root"; done
[ -f "$LIB/libvulkan_lvp.so" ] || { echo "install-lavapipe: libvulkan_lvp.so missing after unpacking" >&2; exit 1; }
printf '{ "file_format_version": "1.0.0", "ICD": { "library_path": "%s/libvulkan_lvp.so", "api_version": "1.3.0" } }\n' "$LIB" > "$ICD"
echo "export VK_DRIVER_FILES=$ICD"
