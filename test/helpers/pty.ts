import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './cli.js';
import { handedEnv, shown } from './people.js';

/** A step of a terminal session: wait until the screen shows `when`, then type `send` (and do `act`, as someone elsewhere would). */
export interface PtyStep {
  when: string | RegExp;
  send: string;
  act?: () => void;
}

export interface PtyResult {
  code: number | null;
  /** Everything the terminal showed, escape codes included. */
  screen: string;
  ms: number;
}

/**
 * Runs the CLI under a real pseudo-terminal (util-linux `script`), as a person at a terminal
 * would: its stdin and stdout are a TTY, Ctrl-C is the byte 0x03 the terminal turns into SIGINT.
 * `columns` sets the terminal's width (0: a terminal that reports none, as some CI runners do).
 */
export function runInPty(
  args: string[],
  options: { env: Record<string, string>; columns: number; steps?: PtyStep[]; timeoutMs?: number; maxBytes?: number },
): Promise<PtyResult> {
  const command =
    `stty cols ${options.columns} rows ${options.columns ? 24 : 0} 2>/dev/null; ` +
    `exec node ${join(ROOT, 'bin', 'scim-setup.js')} ${args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ')}`;
  const started = Date.now();
  handedEnv(options.env);
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...options.env, TERM: 'xterm-256color' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    const steps = [...(options.steps ?? [])];
    const maxBytes = options.maxBytes ?? 2_000_000;
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    const onData = (d: Buffer) => {
      screen += d.toString('utf8');
      shown(d.toString('utf8'));
      if (screen.length > maxBytes) child.kill('SIGKILL');
      while (steps.length && (typeof steps[0].when === 'string' ? screen.includes(steps[0].when) : steps[0].when.test(screen))) {
        const step = steps.shift()!;
        step.act?.();
        child.stdin.write(step.send);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, screen, ms: Date.now() - started });
    });
  });
}

/** The screen as text: colour and cursor codes out, carriage-return redraws collapsed. */
export function plain(screen: string): string {
  return screen
    .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => line.split('\r').pop() ?? '')
    .join('\n');
}
