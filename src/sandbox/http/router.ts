import type { Route } from './types.js';

interface Compiled {
  route: Route;
  regex: RegExp;
  names: string[];
}

/** Matches `/api/v1/apps/{appId}` style templates; the template also names the request in counts. */
export class Router {
  private readonly compiled: Compiled[] = [];

  add(route: Route): this {
    const names: string[] = [];
    const source = route.template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.compiled.push({ route, regex: new RegExp(`^${source}/?$`), names });
    return this;
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | { methodNotAllowed: true } | undefined {
    let pathMatched = false;
    for (const { route, regex, names } of this.compiled) {
      const m = regex.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1]);
      });
      return { route, params };
    }
    return pathMatched ? { methodNotAllowed: true } : undefined;
  }
}
