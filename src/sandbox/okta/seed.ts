/** The org an Okta emulator starts with: users, groups and memberships. */
export interface OktaSeed {
  users: Array<{ login: string; firstName: string; lastName: string; email?: string }>;
  groups: Array<{ name: string; description?: string; members: string[] }>;
}

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Ken',
  'Dennis',
  'Margaret',
  'Linus',
  'Radia',
  'Frances',
  'John',
  'Katherine',
  'Tim',
  'Leslie',
  'Donald',
  'Shafi',
  'Whitfield',
  'Adele',
  'Guido',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Thompson',
  'Ritchie',
  'Hamilton',
  'Torvalds',
  'Perlman',
  'Allen',
  'McCarthy',
  'Johnson',
  'Berners-Lee',
  'Lamport',
  'Knuth',
  'Goldwasser',
  'Diffie',
  'Goldberg',
  'van Rossum',
];

function makeUsers(count: number, domain: string): OktaSeed['users'] {
  return Array.from({ length: count }, (_, i) => {
    const firstName = FIRST[i % FIRST.length];
    const lastName = LAST[Math.floor(i / FIRST.length) % LAST.length];
    const login = `${`${firstName}.${lastName}${i >= FIRST.length * LAST.length ? i : ''}`.toLowerCase().replace(/[^a-z0-9.-]/g, '')}.${i}@${domain}`;
    return { login, firstName, lastName };
  });
}

/**
 * A small company: 60 users and 8 groups, among them the built-in Everyone (added by the
 * emulator), an empty group, a group whose name starts with "CF" (Cloudflare refuses it) and a
 * legacy `CF-<accountID> - Administrator Read Only` virtual group.
 */
export function defaultSeed(accountId: string): OktaSeed {
  const users = makeUsers(60, 'example.com');
  const logins = users.map((u) => u.login);
  return {
    users,
    groups: [
      { name: 'Engineering', description: 'Builds the product', members: logins.slice(0, 24) },
      { name: 'Security', description: 'Keeps it safe', members: logins.slice(20, 30) },
      { name: 'Sales', description: 'Sells it', members: logins.slice(30, 45) },
      { name: 'Support', description: 'Helps customers', members: logins.slice(45, 60) },
      { name: 'Contractors', description: 'No one yet', members: [] },
      { name: 'CF Platform Team', description: 'A name Cloudflare refuses for a SCIM group', members: logins.slice(0, 3) },
      { name: `CF-${accountId} - Administrator Read Only`, description: 'Legacy SCIM virtual group', members: logins.slice(24, 28) },
    ],
  };
}

/** A large org for benchmarks: `users` users spread over `groups` groups of about equal size. */
export function generatedSeed(userCount: number, groupCount: number): OktaSeed {
  const users = makeUsers(userCount, 'bench.example.com');
  const per = Math.max(1, Math.floor(userCount / groupCount));
  return {
    users,
    groups: Array.from({ length: groupCount }, (_, g) => ({
      name: `Team ${String(g + 1).padStart(4, '0')}`,
      members: users.slice((g * per) % userCount, ((g * per) % userCount) + per).map((u) => u.login),
    })),
  };
}

export function parseSeed(data: unknown): OktaSeed {
  const seed = data as Partial<OktaSeed>;
  if (!seed || !Array.isArray(seed.users) || !Array.isArray(seed.groups)) {
    throw new Error('a seed is {"users":[{"login","firstName","lastName"}],"groups":[{"name","members":[login…]}]}');
  }
  for (const u of seed.users) if (typeof u?.login !== 'string') throw new Error('every seed user needs a "login"');
  for (const g of seed.groups) if (typeof g?.name !== 'string' || !Array.isArray(g.members)) throw new Error('every seed group needs "name" and "members"');
  return seed as OktaSeed;
}
