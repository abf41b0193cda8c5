/** A rule of `POST /__sandbox/faults`: what to break, how, how often. */
export interface FaultRule {
  method?: string;
  path: string;
  status?: number;
  body?: unknown;
  reset?: boolean;
  /** Accept the request and never answer (until the connection is closed). */
  hang?: boolean;
  delayMs?: number;
  times?: number;
  probability?: number;
  /** Let the request through first, then drop the connection (an ambiguous write). */
  afterHandler?: boolean;
}

interface ActiveRule extends FaultRule {
  regex: RegExp;
  remaining: number;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];

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
