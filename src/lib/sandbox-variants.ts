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

/** Every combination of every variant's values: the verification matrix's worlds. */
export function everyVariant(): SandboxVariants[] {
  let worlds: Array<Record<string, string>> = [{}];
  for (const [name, v] of Object.entries(VARIANTS)) worlds = worlds.flatMap((w) => v.values.map((value) => ({ ...w, [name]: value })));
  return worlds as SandboxVariants[];
}

/**
 * Worlds that together hold every pair of two variants' values at least once (greedy pairwise): the
 * matrix where playing every combination would cost too much. With one variant, its values alone.
 */
export function pairwiseVariants(): SandboxVariants[] {
  const all = everyVariant();
  const names = Object.keys(VARIANTS) as VariantName[];
  const pairsOf = (w: SandboxVariants) => names.flatMap((a, i) => names.slice(i + 1).map((b) => `${a}=${w[a]},${b}=${w[b]}`));
  const uncovered = new Set(all.flatMap(pairsOf));
  const chosen: SandboxVariants[] = [];
  while (uncovered.size > 0 || chosen.length === 0) {
    const gain = (w: SandboxVariants) => pairsOf(w).filter((p) => uncovered.has(p)).length;
    const best = all.reduce((a, b) => (gain(b) > gain(a) ? b : a));
    chosen.push(best);
    for (const p of pairsOf(best)) uncovered.delete(p);
    if (names.length < 2) return all;
  }
  return chosen;
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
