#!/usr/bin/env bash
# The main job: install what is missing, build (Release), and answer an example question.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j2
echo "+ policy-eval query data/examples/delegation.json"
build/tools/policy-eval query data/examples/delegation.json
echo "+ policy-eval scenario --binding NetTcpBinding --client-credential-type Windows --impersonation-option Required"
build/tools/policy-eval scenario --binding NetTcpBinding --client-credential-type Windows --impersonation-option Required
echo "+ policy-eval config data/config/intranet-basichttp-windows/web.config"
build/tools/policy-eval config data/config/intranet-basichttp-windows/web.config
echo "+ policy-eval chain data/estate/chains/2-alice-over-ntlm.json"
build/tools/policy-eval chain data/estate/chains/2-alice-over-ntlm.json
echo "+ policy-eval chain data/estate/chains/2-alice-over-ntlm.json --format svg -o build/chain-2.svg"
build/tools/policy-eval chain data/estate/chains/2-alice-over-ntlm.json --format svg -o build/chain-2.svg
echo "chain drawn: build/chain-2.svg"
echo "+ policy-eval scan data/estate/projects --assume data/estate/projects/assume.json --ad data/estate/ad/contoso.ldif --format html -o build/estate-scan.html --fail-on none"
build/tools/policy-eval scan data/estate/projects --assume data/estate/projects/assume.json \
  --ad data/estate/ad/contoso.ldif --format html -o build/estate-scan.html --fail-on none
echo "estate report: build/estate-scan.html"
