#!/usr/bin/env bash
# Builds the agent's Windows installer with wixl (Debian: apt-get install -y wixl msitools) from a
# win-x64 folder publish of the agent:
#
#   dotnet publish Agent/Vigil.Agent.csproj -c Release -r win-x64 --self-contained -o agent-win
#   deploy/msi/build.sh agent-win vigil-agent.msi [VERSION]
#
# VERSION is the product's (Version in Directory.Build.props) unless given.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ $# -lt 2 ]; then
  echo "usage: $0 PUBLISH_FOLDER OUTPUT.msi [VERSION]" >&2
  exit 2
fi
publish="$(cd "$1" && pwd)"
output="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
version="${3:-$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$here/../../Directory.Build.props")}"
test -f "$publish/Vigil.Agent.exe" || { echo "$publish holds no Vigil.Agent.exe: publish the agent for win-x64 first" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Every file of the publish but the executable (declared with the service) and debug symbols.
(cd "$publish" && find . -type f ! -name Vigil.Agent.exe ! -name '*.pdb' ! -name agent.json | LC_ALL=C sort \
  | wixl-heat --prefix ./ --directory-ref INSTALLFOLDER --var var.SourceDir --component-group Payload) > "$work/payload.wxs"
# wixl takes source paths relative to where it runs.
(cd "$publish" && wixl -a x64 -D SourceDir=. -D Version="$version" -o "$output" "$here/vigil-agent.wxs" "$work/payload.wxs")
