#!/usr/bin/env bash
# Install Threadguard with its training and test extras.
# torch comes first and pinned: this exact pin installs a local CPU wheel; any other spec
# would pull several GB of CUDA packages.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet torch==2.13.0
python3 -m pip install --quiet -e '.[train,dev]'
