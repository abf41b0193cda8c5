import { legacyRoleGroup, refusedScimGroupName } from './cloudflare-names.js';
/**
 * Pure validators for each input. Each returns the normalised value or throws a message
 * that the caller prefixes with the input's name and source.
 */
export class InvalidValue extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;
const OKTA_HOST = /\.(okta|oktapreview|okta-emea|okta-gov|okta-mil|trexcloud)\.com$/i;
const ADMIN_HOST = /^([a-z0-9-]+)-admin\.((?:okta|oktapreview|okta-emea|okta-gov|okta-mil|trexcloud)\.com)$/i;

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

/** An https URL (http for loopback only) with no credentials, query or fragment. */
function parseServiceUrl(raw: string, example: string): URL {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidValue(`"${raw}" is not a URL.`, `Give the full URL, e.g. ${example}.`);
  }
  // Credentials first, so that no later message echoes them.
  if (url.username || url.password) {
    throw new InvalidValue('the URL contains credentials.', 'Remove the user:password@ part; credentials go in the token env vars.');
  }
  // `acme-admin.okta.com.` is the same host as without the dot, and would slip past the admin check.
  if (url.hostname.endsWith('.'))
    throw new InvalidValue(
      `"${raw}" ends its host name with a dot.`,
      `Drop the trailing dot: ${url.protocol}//${url.hostname.replace(/\.+$/, '')}${url.port ? `:${url.port}` : ''}.`,
    );
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new InvalidValue(`"${raw}" must use https (http is accepted only for a loopback host such as 127.0.0.1).`, `Use ${example}.`);
  }
  if (url.search || url.hash) {
    throw new InvalidValue('the URL has a query string or fragment.', `Drop everything after the host, e.g. ${example}.`);
  }
  if (/[^\x20-\x7e]/.test(text) || url.hostname.split('.').some((label) => label.startsWith('xn--'))) {
    throw new InvalidValue(`"${raw}" has an internationalised host name.`, 'Copy the URL from the admin console: Okta org and Cloudflare API hosts are ASCII.');
  }
  return url;
}

export interface OrgUrlResult {
  value: string;
  warning?: string;
}

export function validateOrgUrl(raw: string): OrgUrlResult {
  // A bare host (`acme.okta.com`) is what people copy from a browser's address bar: taken as https, and said so.
  const bare = /^\s*[a-z0-9-]+(\.[a-z0-9-]+)+\/?\s*$/i.test(raw) && !/^\s*[a-z][a-z0-9+.-]*:\/\//i.test(raw);
  const result = checkedOrgUrl(bare ? `https://${raw.trim()}` : raw);
  if (!bare) return result;
  const said = `Okta org URL "${raw.trim()}" taken as ${result.value}.`;
  return { value: result.value, warning: result.warning ? `${said} ${result.warning}` : said };
}

function checkedOrgUrl(raw: string): OrgUrlResult {
  const url = parseServiceUrl(raw, 'https://acme.okta.com');
  if (url.pathname !== '/' && url.pathname !== '') {
    throw new InvalidValue(`"${raw}" has a path (${url.pathname}).`, `Use the org URL alone: ${url.origin}.`);
  }
  const admin = ADMIN_HOST.exec(url.hostname);
  if (admin) {
    throw new InvalidValue(`"${raw}" is the admin console host.`, `Use the org URL without "-admin": https://${admin[1]}.${admin[2]}.`);
  }
  const warning =
    OKTA_HOST.test(url.hostname) || isLoopbackHost(url.hostname)
      ? undefined
      : `${url.hostname} is not an okta.com host; fine for a custom domain, but check it is your Okta org.`;
  return { value: url.origin, warning };
}

/**
 * Cloudflare's API base, and a warning where it is not Cloudflare's own host: both Cloudflare tokens
 * go there, and a config file (a repository file, in CI) may set it. Loopback (the sandbox) and a
 * proxy in between are the usual reasons; anything else is worth a look.
 */
export function validateApiBaseUrl(raw: string): { value: string; warning?: string } {
  const url = parseServiceUrl(raw, 'https://api.cloudflare.com/client/v4');
  const value = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  if (url.hostname === 'api.cloudflare.com' || isLoopbackHost(url.hostname)) return { value };
  return {
    value,
    warning: `The Cloudflare API base ${url.origin} is not api.cloudflare.com: both Cloudflare tokens are sent there. Fine for a proxy you run; otherwise check CLOUDFLARE_API_BASE_URL, --api-base-url and "cloudflare.apiBaseUrl" in the config file.`,
  };
}

/** A Cloudflare account ID, and a note where it was normalised (upper-case hex is the same ID in lower case). */
export function validateAccountId(raw: string): { value: string; warning?: string } {
  const value = raw.trim();
  if (/^[0-9A-Fa-f]{32}$/.test(value) && value !== value.toLowerCase())
    return { value: value.toLowerCase(), warning: `Cloudflare account ID ${value} taken in lower case, as Cloudflare writes it: ${value.toLowerCase()}.` };
  if (!/^[0-9a-f]{32}$/.test(value)) {
    throw new InvalidValue(
      `"${raw}" is not a Cloudflare account ID (32 hex characters, got ${value.length} characters).`,
      'Copy it from the dashboard: Account Home, under API, or from https://dash.cloudflare.com/<account ID>.',
    );
  }
  return { value };
}

/** Tokens arrive from env vars and files with stray newlines, quotes and scheme prefixes. */
export function validateToken(raw: string, scheme: 'SSWS' | 'Bearer'): string {
  const value = raw.trim();
  if (value === '') throw new InvalidValue('it is empty.', 'Set it to the token value.');
  const prefix = /^(bearer|ssws)\s+/i.exec(value);
  if (prefix) {
    throw new InvalidValue(`it starts with "${prefix[1]} ".`, `Give the token alone; scim-setup adds the "${scheme}" scheme itself.`);
  }
  if (/^["'].*["']$/s.test(value)) throw new InvalidValue('it is wrapped in quotes.', 'Remove the quotes around the token.');
  if (/\s/.test(value)) throw new InvalidValue('it contains whitespace or a line break inside it.', 'Check that the token was copied whole and alone.');
  if (/[^\x21-\x7e]/.test(value)) throw new InvalidValue('it contains non-ASCII characters.', 'Copy the token again from its source.');
  // Cloudflare's tokens name themselves (its scannable prefixes); Okta's API tokens start with 00.
  const cloudflare = /^(cfat|cfut|cfk)_/.exec(value);
  if (scheme === 'SSWS' && cloudflare)
    throw new InvalidValue(
      `it is a Cloudflare ${cloudflare[1] === 'cfk' ? 'Global API Key' : 'API token'} (it starts with ${cloudflare[1]}_), not an Okta API token.`,
      'Set it to an Okta API token (Admin Console: Security → API → Tokens; they start with 00), and give Cloudflare tokens as CLOUDFLARE_SCIM_TOKEN or CLOUDFLARE_API_TOKEN.',
    );
  // Cloudflare's gateway refuses any other character with 400 (codes 6003/6111) before reading the token: say so before sending it.
  if (scheme === 'Bearer' && /[^A-Za-z0-9_-]/.test(value))
    throw new InvalidValue(
      'it contains a character no Cloudflare token has (they are letters, digits, - and _).',
      'Copy the token again, alone, from where it was created.',
    );
  return value;
}

/**
 * Pure: a group given to --push-group. A legacy `CF-<account ID> - <Role>` group is Cloudflare's
 * older way of granting a role by assignment; pushed, its name is refused (no SCIM group name may
 * begin with CF), and renaming it would drop the role.
 */
export function validatePushGroups(names: string[]): string[] {
  const legacy = names.find((n) => legacyRoleGroup(n) !== undefined);
  if (legacy)
    throw new InvalidValue(
      `"${legacy}" is a legacy Cloudflare role group: it grants its role by being assigned, and Cloudflare refuses SCIM group names that begin with CF, so it cannot be pushed.`,
      'Run `npx scim-setup migrate` to move its members to a pushed group with that role, or assign it with --assign-group as it is.',
    );
  // A push certain to fail is no plan: said before anything is read.
  const refused = names.find(refusedScimGroupName);
  if (refused)
    throw new InvalidValue(
      `"${refused}" starts with "CF": Cloudflare refuses SCIM group names that begin with CF, so its push would fail.`,
      'Rename the group in Okta, or assign it with --assign-group instead: its members are provisioned, without a Cloudflare group.',
    );
  return validateNames(names, 'group');
}

/** Okta's longest group name and login. */
const MAX_NAME = 255;

/** Group and user names are matched exactly, so anything that would silently not match is refused. */
export function validateNames(raw: string[], what: 'group' | 'user'): string[] {
  const seen = new Set<string>();
  for (const name of raw) {
    if (name.trim() === '') throw new InvalidValue(`an empty ${what} name was given.`, `Remove it.`);
    if (name !== name.trim()) {
      throw new InvalidValue(`${what} "${name}" has leading or trailing spaces.`, `Names are matched exactly; use "${name.trim()}".`);
    }
    if (/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(name))
      throw new InvalidValue(`a ${what} name contains control or direction characters (${JSON.stringify(name.slice(0, 40))}).`, 'Remove them.');
    if (name.length > MAX_NAME)
      throw new InvalidValue(
        `a ${what} name is ${name.length} characters long ("${name.slice(0, 40)}…"), over Okta's limit of ${MAX_NAME}.`,
        'Check the name; Okta group names and logins are at most 255 characters.',
      );
    if (name.normalize('NFC') !== name) {
      throw new InvalidValue(`${what} "${name}" is not in Unicode NFC form, so it would not match Okta's name.`, 'Type the name again, or copy it from Okta.');
    }
    if (seen.has(name)) throw new InvalidValue(`${what} "${name}" is given twice.`, 'Give each name once.');
    seen.add(name);
  }
  return raw;
}

export function validateLabel(raw: string): string {
  const value = raw.trim();
  if (value === '' || value.length > 100)
    throw new InvalidValue(`"${raw.slice(0, 120)}" is not a usable app label (1 to 100 characters).`, 'Pick a short label, e.g. "Cloudflare SCIM".');
  if (/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(value))
    throw new InvalidValue(`the app label contains control or direction characters (${JSON.stringify(value)}).`, 'Use plain text, e.g. "Cloudflare SCIM".');
  return value;
}
