import type { EmulatedAdmin } from '../../src/sandbox/admin.js';

/**
 * The people at the terminal: each sandbox with an emulated admin (`admin: 'auto'`) is shown what
 * every run prints, as a person reads their screen, and holds the tokens that run was given in its
 * environment (a person sets those themselves). Nothing else reaches it: it does the guided step
 * only as far as what is printed lets a person do it.
 */
const people = new Set<EmulatedAdmin>();

export function seated(admin: EmulatedAdmin | undefined): () => void {
  if (!admin) return () => {};
  people.add(admin);
  return () => people.delete(admin);
}

/** A run begins: what its environment holds, the person holds. */
export function handedEnv(env: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(env)) if (value && /TOKEN/.test(name)) for (const p of people) p.holds(value);
}

/** What a run printed, as it printed it, and on which stream (a line cut between chunks belongs to its own stream). */
export function shown(text: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
  for (const p of people) p.sees(text, stream);
}
