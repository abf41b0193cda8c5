#!/usr/bin/env bash
# The composite action's one step: masks the secrets, runs `scim-setup okta` from the action's own
# checked-out code (never a package fetched by name: until a release, the registry's `scim-setup` is
# whoever claims the name), and sets the outputs. Its exit code is the CLI's: 3 means an admin must
# do the guided step (the job summary shows it), and a re-run carries on from there.
set -uo pipefail

# Every line of every secret is masked before anything else is printed: the runner masks a value
# line by line, and a PEM key or a pasted token with a line break would otherwise show its rest.
mask() {
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%$'\r'}"
    [ -n "${line//[[:space:]]/}" ] && printf '::add-mask::%s\n' "${line//%/%25}"
  done <<< "$1"
}
for secret in "${OKTA_API_TOKEN:-}" "${CLOUDFLARE_SCIM_TOKEN:-}" "${CLOUDFLARE_API_TOKEN:-}"; do
  [ -n "$secret" ] && mask "$secret"
done
[ -z "${CLOUDFLARE_API_TOKEN:-}" ] && unset CLOUDFLARE_API_TOKEN
# No SCIM token: scim-setup makes one with CLOUDFLARE_API_TOKEN (an empty variable would be a value).
[ -z "${CLOUDFLARE_SCIM_TOKEN:-}" ] && unset CLOUDFLARE_SCIM_TOKEN
# A fleet config names its accounts: no account ID is given then.
[ -z "${CLOUDFLARE_ACCOUNT_ID:-}" ] && unset CLOUDFLARE_ACCOUNT_ID

# The checkout the workflow's `uses:` pinned, built once: its dependencies from its own lockfile (npm ci
# checks each against the lockfile's integrity), built by npm's prepare. Its output is the log's, not the result's.
action="$SCIM_SETUP_ACTION_PATH"
if [ ! -f "$action/dist/index.js" ]; then
  (cd "$action" && npm ci --no-audit --no-fund --loglevel=error) >&2 || { echo "::error::scim-setup could not be installed from its checkout ($action)" >&2; exit 1; }
fi
# rotate: true runs the scheduled rotation, which makes its own token; otherwise the setup.
if [ "${INPUT_ROTATE:-false}" = "true" ]; then
  args=(rotate-token --create --json --wait "${INPUT_WAIT:-10m}")
else
  args=(okta --json --wait "${INPUT_WAIT:-10m}")
fi
# Both write CI outputs (annotations, the job summary): a public repository's hashes its people in either.
[ "${INPUT_REDACT_PII:-false}" = "true" ] && args+=(--redact-pii)
# With a config file, the file says the app label (a fleet's, each account's); otherwise the input does.
if [ -n "${INPUT_CONFIG:-}" ]; then args+=(--config "$INPUT_CONFIG"); else args+=(--app-label "${INPUT_APP_LABEL:-Cloudflare SCIM}"); fi
if [ "${INPUT_DRY_RUN:-false}" = "true" ]; then args+=(--dry-run); else args+=(--yes); fi
# The lifetime shapes only a token scim-setup makes: with a SCIM token given, it is not passed.
[ -z "${CLOUDFLARE_SCIM_TOKEN:-}" ] && [ -n "${INPUT_SCIM_TOKEN_TTL:-}" ] && args+=(--scim-token-ttl "$INPUT_SCIM_TOKEN_TTL")
# Where a token it makes goes for the guided step (a self-hosted runner an admin can read): a file of mode 600.
[ -n "${INPUT_TOKEN_OUT:-}" ] && args+=(--token-out "$INPUT_TOKEN_OUT")

# Lists: one per line; a one-line input may be comma-separated instead. A name with a comma
# ("Engineering, Contractors") stands on a line of its own and is never split.
each() {
  local text="${1%$'\n'}"
  if [[ "$text" == *$'\n'* ]]; then printf '%s\n' "$text"; else printf '%s\n' "$text" | tr ',' '\n'; fi |
    sed 's/\r$//;s/^[[:space:]]*//;s/[[:space:]]*$//' | sed '/^$/d'
}
while IFS= read -r account; do args+=(--account "$account"); done < <(each "${INPUT_ACCOUNTS:-}")
if [ "${INPUT_ROTATE:-false}" != "true" ]; then
  while IFS= read -r group; do args+=(--assign-group "$group"); done < <(each "${INPUT_ASSIGN_GROUPS:-}")
  while IFS= read -r group; do args+=(--push-group "$group"); done < <(each "${INPUT_PUSH_GROUPS:-}")
  while IFS= read -r role; do args+=(--role "$role"); done < <(printf '%s\n' "${INPUT_ROLES:-}" | sed 's/\r$//;/^[[:space:]]*$/d')
fi

result="${RUNNER_TEMP:-/tmp}/scim-setup-result.json"
node "$action/bin/scim-setup.js" "${args[@]}" > "$result"
code=$?

# The app id comes from Okta: written only if it has an Okta id's shape (letters and digits).
app_id=$(node -e 'try { const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); const id = d.app && d.app.id; process.stdout.write(typeof id === "string" && /^[A-Za-z0-9]{1,64}$/.test(id) ? id : ""); } catch {}' "$result")
# Outputs as heredocs with a random delimiter, as @actions/core writes them: no value can end one early.
output() {
  local delimiter="ghadelimiter_$(node -p 'require("crypto").randomUUID()')"
  printf '%s<<%s\n%s\n%s\n' "$1" "$delimiter" "$2" "$delimiter"
}
{
  output exit-code "$code"
  output result "$result"
  output app-id "$app_id"
} >> "${GITHUB_OUTPUT:-/dev/null}"
exit "$code"
