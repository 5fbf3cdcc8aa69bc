#!/usr/bin/env bash
# Runs the whole KeyGrains test suite on a fresh machine: installs what the tests need,
# builds once, runs every test project, and ends with the plain total "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"

# Prerequisites from Debian's packages (the scripts are idempotent and quick when done).
for prepare in deploy/prepare-tests.d/*.sh; do
  [ -e "$prepare" ] && bash "$prepare"
done

dotnet restore KeyGrains.sln --verbosity quiet
dotnet build KeyGrains.sln --no-restore --configuration Release --verbosity quiet -warnaserror

log=$(mktemp)
status=0
# One project at a time: the 2-core machines are loaded enough by one project's silos.
dotnet test KeyGrains.sln --no-build --configuration Release -m:1 -- RunConfiguration.TreatNoTestsAsError=true \
  2>&1 | tee "$log" || status=$?

passed=0; failed=0; skipped=0; projects=0
while read -r f p s; do
  failed=$((failed + f)); passed=$((passed + p)); skipped=$((skipped + s)); projects=$((projects + 1))
done < <(sed -nE 's/.*(Passed|Failed)! +- Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\2 \3 \4/p' "$log")
rm -f "$log"

expected=$(grep -cE '"tests[\\/][^"]*Tests\.csproj"' KeyGrains.sln || true)
if [ "$projects" -lt "$expected" ]; then
  echo "Only $projects of $expected test projects reported a result." >&2
  status=1
fi

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
if [ "$failed" -gt 0 ]; then status=1; fi
exit "$status"
