import { later, systemClock, type Clock } from '../lib/clock.js';
import { readFileSync } from 'node:fs';
import type { OktaEmulator } from './okta/emulator.js';

/**
 * The sandbox's Okta admin, the person who does the guided step:
 * - `manual`: nobody; a test or a person does it through the console pages or the control API;
 * - `auto`: a person at the run's terminal. It acts only on what the run prints (the guided step as
 *   shown, or the `--json` document's `manualSteps[].values`) and on what a person holds: the tokens
 *   they set in their environment and the files they can open. A masked value it cannot paste, so a
 *   step a person could not finish stays undone here too;
 * - `api-shortcut`: the values the run sent to Okta's connection API, which a person never sees.
 *   Only for a replay of a recording (`sandbox --compare`), where there is no screen; never the demo.
 */
export type AdminMode = 'auto' | 'manual' | 'api-shortcut';

export interface AdminOptions {
  /** How long a person takes to do what a step asks, on the sandbox's clock. */
  delayMs: number;
  clock?: Clock;
}

/** The emulated admin's eyes and pockets. */
export interface EmulatedAdmin {
  /**
   * Text the run printed, as the person at its terminal reads it, in any chunking; `stream` names
   * where it came from (stdout, stderr), since a line cut between two chunks of one stream must not
   * be joined to the other's.
   */
  sees(text: string, stream?: string): void;
  /** A value the person holds (a token they were given and put in a variable): a masked one of it they can paste. */
  holds(value: string): void;
  /** What it could not do, and why: a step shown with a value nobody can read. */
  readonly couldNot: string[];
  stop(): void;
}

/** The Provisioning tab filled in as Cloudflare's guide says. */
export function guideProvisioning(scimBaseUrl: string, scimToken: string) {
  return { baseUrl: scimBaseUrl, token: scimToken, createUsers: true, deactivateUsers: true, updateUserAttributes: false, importGroups: false };
}

/** What a person reads off one guided step: the app (from its link), the Base URL where it is asked, the token as shown. */
export interface ReadStep {
  appId: string;
  baseUrl?: string;
  token: { value: string } | { file: string } | { masked: string };
}

/** Colour and cursor sequences (a terminal's screen as recorded): a person sees the text, not these. */
const CSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
const STEP_LINK = /\/admin\/app\/scim2testapp\/instance\/([A-Za-z0-9]+)\/#tab-provisioning/g;
const MASKED = /^([!-~]{4}\*+[!-~]{4})(?=\s|$)/;

/** Pure: the guided steps in a screen's text, as a person reads them. Lines may carry a fleet's "[account] " heading. */
export function readGuidedSteps(screen: string): ReadStep[] {
  const lines = screen.replace(CSI, '').split(/\r?\n|\r/);
  const bare = (line: string) => line.replace(/^\[[\w.-]+\]\s?/, '').trim();
  const steps: ReadStep[] = [];
  lines.forEach((line, at) => {
    for (const match of line.matchAll(STEP_LINK)) {
      const body = lines.slice(at + 1, at + 16).map(bare);
      const labelled = (label: RegExp) => {
        const i = body.findIndex((l) => label.test(l));
        return i < 0 ? undefined : { line: body[i], next: body[i + 1] ?? '' };
      };
      const base = labelled(/SCIM 2\.0 Base URL:$/);
      const field = labelled(/OAuth Bearer Token/);
      if (!field) continue;
      // The field's words may be folded over several lines on a narrow terminal: read up to the next numbered line.
      const from = body.indexOf(field.line);
      const end = body.findIndex((l, i) => i > from && /^\d+\.\s/.test(l));
      const words = body.slice(from, end < 0 ? undefined : end).join(' ');
      // A value or a path stands on the line after the field's words end (folded or not): ':' for a value, 'of the file' for a path.
      const lineAfter = (ending: RegExp) => {
        const i = body.findIndex((l, k) => k >= from && ending.test(l));
        return i < 0 ? '' : (body[i + 1] ?? '');
      };
      const shown = /\(shown at your request/.test(words)
        ? { value: lineAfter(/\):$/) }
        : /the contents of the file/.test(words)
          ? { file: lineAfter(/of the file$/) }
          : { masked: MASKED.exec(field.line.replace(/^\d+\.\s*OAuth Bearer Token:\s*/, ''))?.[1] ?? '' };
      steps.push({ appId: match[1], ...(base ? { baseUrl: base.next } : {}), token: shown });
    }
  });
  return steps;
}

/** Pure: the guided steps a `--json` document gives (`manualSteps[].values`, with the step's link). */
export function readJsonSteps(text: string): ReadStep[] {
  const steps: ReadStep[] = [];
  for (const candidate of text.split(/\n(?=\{)/)) {
    let doc: unknown;
    try {
      doc = JSON.parse(candidate);
    } catch {
      continue;
    }
    const docs = [doc, ...(isObject(doc) && Array.isArray(doc.accounts) ? doc.accounts : [])];
    for (const d of docs) {
      if (!isObject(d) || !Array.isArray(d.manualSteps)) continue;
      for (const step of d.manualSteps) {
        if (!isObject(step) || typeof step.link !== 'string' || !isObject(step.values)) continue;
        const appId = [...step.link.matchAll(STEP_LINK)][0]?.[1];
        const values = step.values;
        const token = values['OAuth Bearer Token'];
        if (!appId || typeof token !== 'string') continue;
        const file = values['OAuth Bearer Token file'];
        const baseUrl = values['SCIM 2.0 Base URL'];
        steps.push({
          appId,
          ...(typeof baseUrl === 'string' ? { baseUrl } : {}),
          token: typeof file === 'string' ? { file } : MASKED.test(token) ? { masked: token } : { value: token },
        });
      }
    }
  }
  return steps;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Pure: a masked value as the run shows it ("abcd****wxyz"), against a value the person holds. */
function masks(masked: string, value: string): boolean {
  return value.length > 8 && masked.startsWith(value.slice(0, 4)) && masked.endsWith(value.slice(-4));
}

/** How much of the screen a person keeps in view: the lines just printed and the step around them. */
const CONTEXT_LINES = 40;
const KEPT_LINES = 20_000;

/** The person at the terminal: once a guided step is on the screen, after a short delay, they fill in the Provisioning tab with what it shows. */
export function startScreenAdmin(okta: OktaEmulator, options: AdminOptions): EmulatedAdmin {
  // The screen as lines, read as they complete: each chunk is read once, with the few lines before it (a step spans ~15).
  const lines: string[] = [];
  // The unfinished last line of each stream: two streams' chunks interleave, a line belongs to one.
  const partials = new Map<string, string>();
  const wallet = new Set<string>();
  const done = new Set<string>();
  const timers = new Set<() => void>();
  const couldNot: string[] = [];
  const tokenOf = (step: ReadStep): string | undefined => {
    const t = step.token;
    if ('value' in t) return t.value;
    if ('file' in t) {
      try {
        return readFileSync(t.file, 'utf8').trim();
      } catch {
        return undefined;
      }
    }
    // A masked value is pastable only by someone who holds the value: the variable they set themselves.
    return [...wallet].find((v) => masks(t.masked, v));
  };
  const act = (steps: ReadStep[]) => {
    for (const step of steps) {
      const token = tokenOf(step);
      // Done once per value: a later step naming the same file (a rotation's --token-out) holds a new token.
      const key = `${step.appId} ${token ?? JSON.stringify(step.token)}`;
      if (done.has(key)) continue;
      done.add(key);
      if (token === undefined) {
        couldNot.push(`app ${step.appId}: the token is shown as ${JSON.stringify(step.token)}, which no person can paste`);
        continue;
      }
      const cancel = later(options.clock ?? systemClock, options.delayMs, () => {
        timers.delete(cancel);
        const app = okta.state.apps.get(step.appId);
        if (!app) return;
        // The rotation's step asks for the token field alone: the rest of the tab stays as it is.
        const baseUrl = step.baseUrl ?? app.provisioning?.baseUrl;
        if (!baseUrl) return;
        okta.setProvisioning(
          app.id,
          step.baseUrl ? guideProvisioning(baseUrl, token) : { ...guideProvisioning(baseUrl, token), ...withoutToken(app.provisioning), token },
        );
      });
      timers.add(cancel);
    }
  };
  /** A `--json` document ends with a closing brace alone at the start of a line: read from its opening one. */
  const jsonEndingAt = (end: number): string | undefined => {
    const start = lines.lastIndexOf('{', end);
    return start < 0 ? undefined : lines.slice(start, end + 1).join('\n');
  };
  return {
    sees(text, stream = 'stdout') {
      const parts = ((partials.get(stream) ?? '') + text.replace(CSI, '')).split(/\r?\n|\r/);
      partials.set(stream, parts.pop() ?? '');
      if (parts.length === 0) return;
      lines.push(...parts);
      if (lines.length > KEPT_LINES) lines.splice(0, lines.length - KEPT_LINES);
      // A step not yet whole is read again as its next lines arrive (what was done is not done twice).
      act(readGuidedSteps(lines.slice(-(parts.length + CONTEXT_LINES)).join('\n')));
      for (let i = lines.length - parts.length; i < lines.length; i++) {
        const doc = lines[i] === '}' ? jsonEndingAt(i) : undefined;
        if (doc) act(readJsonSteps(doc));
      }
    },
    holds(value) {
      wallet.add(value);
    },
    couldNot,
    stop() {
      for (const cancel of timers) cancel();
      timers.clear();
    },
  };
}

function withoutToken<T extends { token?: string } | null>(settings: T) {
  if (!settings) return {};
  const { token: _token, ...rest } = settings;
  return rest;
}

/**
 * `api-shortcut`: once a run has asked to hand a scim2testapp instance its provisioning over the
 * connection API, and Okta kept nothing, the admin fills in the Provisioning tab with that request's
 * Base URL and token after a short delay. A person never sees those: this is for replaying a
 * recording, where there is no screen, and never for the demo.
 */
export function startApiShortcutAdmin(okta: OktaEmulator, options: AdminOptions): EmulatedAdmin {
  const handled = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  const poll = setInterval(() => {
    for (const app of okta.state.apps.values()) {
      const shown = okta.state.handoverAsked.get(app.id);
      if (app.name !== 'scim2testapp' || app.provisioning || handled.has(app.id) || !shown) continue;
      handled.add(app.id);
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!okta.state.apps.has(app.id)) return;
        okta.setProvisioning(app.id, guideProvisioning(shown.baseUrl, shown.token));
      }, options.delayMs);
      timers.add(timer);
    }
  }, 25);
  return {
    sees: () => {},
    holds: () => {},
    couldNot: [],
    stop() {
      clearInterval(poll);
      for (const t of timers) clearTimeout(t);
    },
  };
}
