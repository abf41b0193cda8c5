/** A rule of `POST /__sandbox/faults`: what to break, how, how often. */
export interface FaultRule {
  method?: string;
  path: string;
  status?: number;
  body?: unknown;
  /** Headers of the answer `status` gives (a `Retry-After` on a 429). */
  headers?: Record<string, string>;
  reset?: boolean;
  /** Accept the request and never answer (until the connection is closed). */
  hang?: boolean;
  delayMs?: number;
  times?: number;
  probability?: number;
  /** Let the request through first, then drop the connection (an ambiguous write). */
  afterHandler?: boolean;
  /** Hold each matching request until this many have arrived, then let them all through at once (races, without timing). */
  barrier?: number;
}

interface ActiveRule extends FaultRule {
  regex: RegExp;
  remaining: number;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];
  private readonly held = new Map<FaultRule, Array<() => void>>();

  /** Waits at the rule's barrier: the last of `barrier` requests to arrive releases them all. */
  arrive(rule: FaultRule): Promise<void> {
    return new Promise((release) => {
      const waiting = [...(this.held.get(rule) ?? []), release];
      if (waiting.length >= (rule.barrier ?? 1)) {
        this.held.delete(rule);
        for (const go of waiting) go();
      } else this.held.set(rule, waiting);
    });
  }

  set(rules: FaultRule[]): void {
    this.rules.push(
      ...rules.map((rule) => {
        if (typeof rule.path !== 'string') throw new Error('each fault rule needs a "path" regex');
        return { ...rule, regex: new RegExp(rule.path), remaining: rule.times ?? Infinity };
      }),
    );
  }

  clear(): void {
    this.rules = [];
    for (const waiting of this.held.values()) for (const go of waiting) go();
    this.held.clear();
  }

  list(): FaultRule[] {
    return this.rules.map(({ regex: _regex, remaining, ...rule }) => ({ ...rule, times: remaining === Infinity ? undefined : remaining }));
  }

  /** The rule that fires for this request, if any; each firing uses up one of its `times`. */
  take(method: string, path: string, random: () => number = Math.random): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.remaining <= 0) continue;
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (!rule.regex.test(path)) continue;
      if (rule.probability !== undefined && random() >= rule.probability) continue;
      rule.remaining -= 1;
      return rule;
    }
    return undefined;
  }
}
