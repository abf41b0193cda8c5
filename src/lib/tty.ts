/** Whether the run may prompt, and if not, why: the reason is shown to the user. */
export interface Interactivity {
  interactive: boolean;
  reason?: string;
}

export function detectInteractivity(env: NodeJS.ProcessEnv, stdinIsTTY: boolean, stdoutIsTTY: boolean): Interactivity {
  if (env.CI && env.CI !== 'false' && env.CI !== '0') return { interactive: false, reason: `CI=${env.CI} is set` };
  if (!stdinIsTTY) return { interactive: false, reason: 'stdin is not a terminal' };
  if (!stdoutIsTTY) return { interactive: false, reason: 'stdout is not a terminal' };
  return { interactive: true };
}

/** Colour level from the conventions users expect: --no-color, NO_COLOR, FORCE_COLOR, TERM=dumb, TTY. */
export function colorLevel(env: NodeJS.ProcessEnv, streamIsTTY: boolean, noColorFlag: boolean): 0 | 1 | 2 | 3 {
  if (noColorFlag) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2') return 2;
    if (force === '3') return 3;
    return 1;
  }
  if (env.TERM === 'dumb') return 0;
  if (!streamIsTTY) return 0;
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return 3;
  return /256/.test(env.TERM ?? '') ? 2 : 1;
}
