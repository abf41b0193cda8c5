#!/usr/bin/env bash
# The composite action's one step: masks the secrets, runs `scim-setup okta` through npx at the
# action's own version, and sets the outputs. Its exit code is the CLI's: 3 means an admin must
# do the guided step (the job summary shows it), and a re-run carries on from there.
set -uo pipefail

for secret in "${OKTA_API_TOKEN:-}" "${CLOUDFLARE_SCIM_TOKEN:-}" "${CLOUDFLARE_API_TOKEN:-}"; do
  [ -n "$secret" ] && echo "::add-mask::$secret"
done
[ -z "${CLOUDFLARE_API_TOKEN:-}" ] && unset CLOUDFLARE_API_TOKEN

version=$(node -p "require(process.argv[1]).version" "$SCIM_SETUP_ACTION_PATH/package.json")
args=(okta --json --wait "${INPUT_WAIT:-10m}" --app-label "${INPUT_APP_LABEL:-Cloudflare SCIM}")
if [ "${INPUT_DRY_RUN:-false}" = "true" ]; then args+=(--dry-run); else args+=(--yes); fi

# Lists: one per line or comma-separated; names keep their inner spaces.
each() { printf '%s\n' "$1" | tr ',' '\n' | sed 's/^[[:space:]]*//;s/[[:space:]]*$//' | sed '/^$/d'; }
while IFS= read -r group; do args+=(--assign-group "$group"); done < <(each "${INPUT_ASSIGN_GROUPS:-}")
while IFS= read -r group; do args+=(--push-group "$group"); done < <(each "${INPUT_PUSH_GROUPS:-}")
while IFS= read -r role; do args+=(--role "$role"); done < <(printf '%s\n' "${INPUT_ROLES:-}" | sed '/^[[:space:]]*$/d')

result="${RUNNER_TEMP:-/tmp}/scim-setup-result.json"
npx --yes "scim-setup@${version}" "${args[@]}" > "$result"
code=$?

app_id=$(node -e 'try { const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.stdout.write((d.app && d.app.id) || ""); } catch {}' "$result")
{
  echo "exit-code=$code"
  echo "result=$result"
  echo "app-id=$app_id"
} >> "${GITHUB_OUTPUT:-/dev/null}"
exit "$code"
