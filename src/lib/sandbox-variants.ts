/**
 * Where the vendors' documents allow more than one reading, the sandbox plays each: a named
 * variant per open question, chosen with `sandbox --variant name=value` or `startSandbox({ variants })`.
 * The default is the reading the sandbox played before the question was asked; `verify` must be right
 * in every one. Each reading names what it follows, and docs/sandbox.md lists them.
 */
export const VARIANTS = {
  lastSync: {
    values: ['present', 'absent'],
    default: 'present',
    says: "whether an app user carries lastSync: Okta's API reference updates it only for apps with IMPORT_PROFILE_UPDATES or PUSH_PROFILE_UPDATES, which Cloudflare's guide leaves off (absent); public VCR cassettes of real app users show none",
  },
  queued: {
    values: ['active', 'staged'],
    default: 'active',
    says: 'how an app user Okta has queued for provisioning shows: ACTIVE with syncState SYNCING, or STAGED (no externalId yet) with syncState DISABLED, the reading that would look like "assigned before provisioning was on"',
  },
  retriedPushFailure: {
    values: ['silent', 'logged'],
    default: 'silent',
    says: "whether a group push Cloudflare refused for a moment (5xx) is logged: Okta's event catalogue logs application.provision.group_push.mapping.update.or.delete.failed, which 'will be retried' and 'likely do[es] not require admin intervention'",
  },
  unknownToken: {
    values: ['403', '401'],
    default: '403',
    says: "the status Cloudflare's gateway gives a token it does not know (wrong, revoked, expired), code 10000 either way: public reports show 403; some endpoints may answer 401",
  },
  nonBearer: {
    values: ['400', '401'],
    default: '400',
    says: "what Cloudflare answers an Authorization header that is no bearer token (Okta's SPEC suite sends `Authorization: non-token` and requires 401): public reports show 400 with codes 6003/6111",
  },
  pendingInvitee: {
    values: ['listed', 'unlisted'],
    default: 'listed',
    says: "whether a member invited but not yet accepted is a SCIM user: Cloudflare's spec lists 'account members' as SCIM users, and an invitation makes a member whose status is pending",
  },
  deactivatedUser: {
    values: ['listed', 'unlisted'],
    default: 'listed',
    says: "whether SCIM /Users still lists a user after active: false: Cloudflare's spec says /Users 'lists account members', and deactivation removes the member; the SCIM user may stay (listed, active false) or go (unlisted)",
  },
  deletedGroup: {
    values: ['error', 'recreated'],
    default: 'error',
    says: "what Okta does when a pushed group was deleted in Cloudflare: Okta Help says the push goes into error ('Linked group is missing') and the group is not created again; an org may see it pushed afresh instead",
  },
  auditUserAgent: {
    values: ['kept', 'absent'],
    default: 'kept',
    says: "whether Cloudflare's audit log keeps a request's User-Agent (raw.user_agent), by which Okta's SCIM requests (Okta SCIM Client 1.0.0) are told from others: its audit-log examples show one; an account may record none",
  },
  idpExternalId: {
    values: ['kept', 'dropped'],
    default: 'kept',
    says: "whether Cloudflare's SCIM answers carry the externalId an identity provider set on create (Okta sends one, its SCIM guide); SCIM's core schema lets a service provider keep it, and Cloudflare's spec does not say it is returned",
  },
  auditReads: {
    values: ['unrecorded', 'recorded'],
    default: 'unrecorded',
    says: "whether Cloudflare's audit log records reads (action.type view, GET) as well as changes: its audit-log examples show changes; its schema has a view action",
  },
  inviteAuditId: {
    values: ['member', 'user'],
    default: 'member',
    says: "which id an invitation's \"Add Member\" audit entry names as resource.id: the membership's (the members API's id) or the invitee's user id; the audit-log example shows its description and product only",
  },
  systemGroupMembers: {
    values: ['unlisted', 'listed'],
    default: 'unlisted',
    says: "whether a system group (cloudflare-v1-<permission group>) lists its members on reads: Cloudflare's spec says custom groups do; an account may list a system group's too",
  },
  systemGroupName: {
    values: ['role', 'id'],
    default: 'role',
    says: "a system group's displayName: its permission group's name (the role a member holds), or its id (cloudflare-v1-<permission group id>): Cloudflare's spec names the id's prefix only",
  },
  rateLimitPause: {
    values: ['logged', 'silent'],
    default: 'logged',
    says: "whether Okta logs each pause for Cloudflare's 429 as application.integration.rate_limit_exceeded (its event catalogue's type for a remote rate limit), or logs nothing until a task runs out of retries",
  },
  preProvisionedUser: {
    values: ['disabled', 'unset'],
    default: 'disabled',
    says: 'how Okta shows a user assigned before provisioning was on, once it is on: ACTIVE with syncState DISABLED, or ACTIVE with no syncState (its reference shows ACTIVE for an app without provisioning, and syncState only where Okta provisions)',
  },
  scimWriteRefusal: {
    values: ['gateway', 'after-lookup'],
    default: 'gateway',
    says: 'where Cloudflare refuses a SCIM write by a token without SCIM Provisioning: at its gateway, before SCIM (403 on any path), or in SCIM after the resource is looked up (404 for a user that does not exist, 403 for one that does)',
  },
} as const;

export type VariantName = keyof typeof VARIANTS;
export type SandboxVariants = { [K in VariantName]: (typeof VARIANTS)[K]['values'][number] };

/** Every variant at its default: the world the sandbox played before any was named. */
export function defaultVariants(): SandboxVariants {
  return Object.fromEntries(Object.entries(VARIANTS).map(([name, v]) => [name, v.default])) as SandboxVariants;
}

/** Pure: `name=value` pairs into variants; an unknown name or value is an error naming what exists. */
export function parseVariants(pairs: string[]): SandboxVariants {
  const out: Record<string, string> = { ...defaultVariants() };
  for (const pair of pairs) {
    const [name, value] = pair.split('=', 2).map((x) => x.trim());
    if (!isVariantName(name))
      throw new Error(`"${pair}" names no variant; the variants are ${Object.keys(VARIANTS).join(', ')} (sandbox --help lists their values)`);
    const values: readonly string[] = VARIANTS[name].values;
    if (value === undefined || !values.includes(value)) throw new Error(`${name} is one of ${values.join(', ')}; "${pair}" is not`);
    out[name] = value;
  }
  return out as SandboxVariants;
}

function isVariantName(name: string | undefined): name is VariantName {
  return name !== undefined && Object.hasOwn(VARIANTS, name);
}

/**
 * Worlds that together hold every pair of two variants' values at least once: the matrix where
 * playing every combination (2^17 worlds) would cost too much. With two values a question, a
 * covering array (binaryPairwise); else built a world at a time (AETG's greedy): a world is grown
 * from each pair not yet held, each further question taking the value that holds most pairs not
 * yet held with those already set, and the world holding most of them is kept.
 */
export function pairwiseVariants(): SandboxVariants[] {
  return pairwiseWorlds(VARIANTS) as SandboxVariants[];
}

/** A table of questions, each with its values, the default first. */
type Questions = Record<string, { values: readonly string[] }>;
type World = Record<string, string>;

/** Pure: the pairwise worlds of any table of questions (exported for its test: every variant today has two values). */
export function pairwiseWorlds(table: Questions): World[] {
  const names = Object.keys(table);
  if (names.length < 2) return names.length ? table[names[0]].values.map((v) => ({ [names[0]]: v })) : [{}];
  if (names.every((n) => table[n].values.length === 2)) return binaryPairwise(table);
  const key = (a: string, va: string, b: string, vb: string) => `${a}=${va},${b}=${vb}`;
  const pairsOf = (w: Partial<World>) =>
    names.flatMap((a, i) => names.slice(i + 1).flatMap((b) => (w[a] !== undefined && w[b] !== undefined ? [key(a, w[a], b, w[b])] : [])));
  const uncovered = new Set(
    names.flatMap((a, i) => names.slice(i + 1).flatMap((b) => table[a].values.flatMap((va) => table[b].values.map((vb) => key(a, va, b, vb))))),
  );
  const grown = (seed: string): World => {
    const world: Partial<World> = Object.fromEntries(seed.split(',').map((pair) => pair.split('=')));
    for (const name of names.filter((n) => world[n] === undefined)) {
      const gain = (v: string) => pairsOf({ ...world, [name]: v }).filter((p) => uncovered.has(p)).length;
      world[name] = table[name].values.reduce((best, v) => (gain(v) > gain(best) ? v : best));
    }
    return Object.fromEntries(names.map((n) => [n, world[n] as string]));
  };
  const worlds: World[] = [];
  while (uncovered.size > 0) {
    const held = (w: World) => pairsOf(w).filter((p) => uncovered.has(p)).length;
    const best = [...uncovered].map(grown).reduce((a, b) => (held(b) > held(a) ? b : a));
    for (const p of pairsOf(best)) uncovered.delete(p);
    worlds.push(best);
  }
  return worlds;
}

/**
 * Every question of two values: Kleitman and Spencer's covering array. Each question is a column of
 * N worlds: 0 (its default) in the first, and 1 in a distinct set of w of the other N-1, with
 * 2w > N-1. Two such columns differ both ways (distinct sets of one size), share a 1 (two sets of
 * more than half meet) and share the first world's 0: every pair of values is held. N is the least
 * that gives enough sets (8 worlds for up to 35 questions), and the first world is the defaults.
 */
function binaryPairwise(table: Questions): World[] {
  const names = Object.keys(table);
  const w = (rows: number) => Math.floor((rows - 1) / 2) + 1;
  let n = 3;
  while (choose(n - 1, w(n)) < names.length) n++;
  const columns = subsets(n - 1, w(n)).slice(0, names.length);
  return Array.from({ length: n }, (_, row) =>
    Object.fromEntries(names.map((name, i) => [name, table[name].values[row > 0 && columns[i].includes(row) ? 1 : 0]])),
  );
}

function choose(n: number, k: number): number {
  return k < 0 || k > n ? 0 : k === 0 ? 1 : (choose(n - 1, k - 1) * n) / k;
}

/** The k-element subsets of 1..n, in lexicographic order. */
function subsets(n: number, k: number, from = 1): number[][] {
  if (k === 0) return [[]];
  const out: number[][] = [];
  for (let first = from; first <= n - k + 1; first++) for (const rest of subsets(n, k - 1, first + 1)) out.push([first, ...rest]);
  return out;
}

/** One line per variant, for help: its name, values (default first) and what it follows. */
export function variantHelp(width = 80): string {
  return Object.entries(VARIANTS)
    .map(([name, v]) => `  ${name}=${[v.default, ...v.values.filter((x) => x !== v.default)].join('|')}\n${wrapped(v.says, width, '      ')}`)
    .join('\n');
}

/** Words folded into lines of at most `width` characters, each indented. */
function wrapped(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, indent + line].join('\n');
}
