import { spawn } from 'node:child_process';
import type { Clock } from '../../src/lib/clock.js';
import type { ManualClock } from './clock.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { handedEnv, shown } from './people.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'scim-setup.js');

/** One check as `verify --json` and `okta --json` print it. */
export interface CheckDoc {
  id: string;
  status: string;
  summary: string;
  evidence: string[];
  fix?: string;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
  cwd?: string;
  /** Values that must appear nowhere in stdout or stderr (the leak sweep). */
  secrets?: string[];
}

/** A base environment with no inherited Okta/Cloudflare settings, and no colour forcing. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(OKTA_|CLOUDFLARE_|FORCE_COLOR|NO_COLOR|CI$)/.test(k)) continue;
    env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** Runs the built CLI as a child process, as a user would, and sweeps its output for secrets. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env = options.env ?? cleanEnv();
    handedEnv(env);
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: options.cwd ?? ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    // Decoded as text by the streams themselves: a character cut between two chunks stays whole.
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      stdout += d;
      shown(d, 'stdout');
    });
    child.stderr.on('data', (d: string) => {
      stderr += d;
      shown(d, 'stderr');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      for (const secret of options.secrets ?? []) {
        for (const piece of secretPieces(secret)) {
          expect(stdout.includes(piece), `secret leaked on stdout of scim-setup ${args.join(' ')}`).toBe(false);
          expect(stderr.includes(piece), `secret leaked on stderr of scim-setup ${args.join(' ')}`).toBe(false);
        }
      }
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A PEM leaks line by line; a token leaks whole. */
export function secretPieces(secret: string): string[] {
  if (!secret.includes('\n')) return [secret];
  return secret
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 16 && !l.startsWith('-----'));
}

export const ANSI = /\u001b\[[0-9;]*m/;

/**
 * Starts the CLI in this process and hands back what it has printed so far, for a test that acts
 * while a run waits (a guided step, as a person at the terminal would); `exit` is its result.
 */
export function startInProcess(
  args: string[],
  options: CliOptions & { columns?: number; isTTY?: boolean } = {},
): { output: () => string; exit: Promise<CliResult> } {
  let printed = '';
  const exit = runInProcess(args, { ...options, onOutput: (text) => (printed += text) });
  return { output: () => printed, exit };
}

/** Runs the CLI in this process (faster: the SDKs load once), with captured streams and the same leak sweep. */
export async function runInProcess(
  args: string[],
  options: CliOptions & {
    columns?: number;
    isTTY?: boolean;
    onOutput?: (text: string) => void;
    clock?: Clock;
    /** A sandbox on a test's clock: the run takes that clock, and it is moved on while they both wait. */
    on?: { clock?: ManualClock; busy(): boolean };
  } = {},
): Promise<CliResult> {
  const on = options.on;
  if (on?.clock) return on.clock.runUntil(runInProcess(args, { ...options, on: undefined, clock: on.clock.forRun() }), on.busy, true);
  const { PassThrough } = await import('node:stream');
  const { main } = await import('../../src/index.js');
  const capture = (name: 'stdout' | 'stderr') => {
    const stream = Object.assign(new PassThrough(), { isTTY: options.isTTY ?? false, columns: options.columns });
    let text = '';
    stream.on('data', (d) => {
      text += d;
      shown(String(d), name);
      options.onOutput?.(String(d));
    });
    return { stream, text: () => text };
  };
  const env = (options.env ?? cleanEnv()) as Record<string, string>;
  handedEnv(env);
  const out = capture('stdout');
  const err = capture('stderr');
  // What a pipe would hand the process on stdin (a token with `-`), then its end.
  const stdin = Object.assign(new PassThrough(), { isTTY: false });
  stdin.end(options.input ?? '');
  const code = await main(['node', 'scim-setup', ...args], {
    env,
    stdout: out.stream,
    stderr: err.stream,
    stdin,
    signal: new AbortController().signal,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  for (const secret of options.secrets ?? []) {
    for (const piece of secretPieces(secret)) expect((out.text() + err.text()).includes(piece), `secret leaked by scim-setup ${args.join(' ')}`).toBe(false);
  }
  return { code, stdout: out.text(), stderr: err.text() };
}
