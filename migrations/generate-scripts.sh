#!/usr/bin/env bash
# Regenerates the SQL scripts committed beside the migrations, for DBAs who apply schema changes
# themselves (Database:MigrateOnStart=false):
#   migrations/SqlServer/vigil-sqlserver.sql     idempotent
#   migrations/PostgreSql/vigil-postgresql.sql   idempotent
#   migrations/Sqlite/vigil-sqlite.sql           plain, every migration from an empty database
#                                                (SQLite cannot run an idempotent script)
#
# Usage, from anywhere in the repository, after adding a migration for all three providers:
#   migrations/generate-scripts.sh
# then commit the three .sql files with the migrations. A test (MigrationsTests) fails while a
# committed script differs from what the migrations generate.
#
# The output is deterministic: no byte-order mark, LF line endings, one newline at the end.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

configuration="${CONFIGURATION:-Debug}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet tool restore >/dev/null

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Writes the EF Core script of one provider's migrations assembly to a committed file.
#   $1 provider folder under migrations/, $2 file name, further arguments for `dotnet ef`.
generate() {
  local provider="$1" file="$2"
  shift 2
  local project="migrations/$provider"
  echo "Generating $project/$file"
  dotnet build "$project" -c "$configuration" --nologo -v quiet >/dev/null
  dotnet ef migrations script "$@" \
    --project "$project" --startup-project "$project" \
    --configuration "$configuration" --no-build --no-color \
    --output "$work/$file" >/dev/null
  # Strip the byte-order mark and carriage returns; $(...) drops the trailing blank lines, and
  # printf ends the file with exactly one newline.
  printf '%s\n' "$(sed -e '1s/^\xEF\xBB\xBF//' -e 's/\r$//' "$work/$file")" >"$project/$file"
}

generate SqlServer vigil-sqlserver.sql --idempotent
generate PostgreSql vigil-postgresql.sql --idempotent
generate Sqlite vigil-sqlite.sql
