import { describe, expect, it } from 'vitest';
import { LEFT_MANUAL, runActions, type RunResult } from '../../src/apply/executor.js';
import { InterruptedError, PendingError, RemoteError } from '../../src/lib/errors.js';
import type { Task } from '../../src/lib/reporter.js';
import type { Action } from '../../src/plan/types.js';

function action(id: string, kind: Action['kind'] = 'delete', resource: Action['resource'] = 'app'): Action {
  return { id, kind, resource, summary: `do ${id}`, detail: kind === 'manual' ? `by hand: ${id}` : undefined } as Action;
}
const fresh = (): RunResult => ({ applied: [], manualSteps: [] });
const ids = (r: RunResult) => r.applied.map((a) => `${a.id}:${a.result}`);
const never = new AbortController().signal;

/** A reporter that writes each task's verdict as one line, the way a plain log shows it. */
function recordingReporter() {
  const lines: string[] = [];
  const task = (text: string): Task => ({
    update: () => {},
    succeed: (t) => lines.push(`ok ${t ?? text}`),
    fail: (t) => lines.push(`fail ${t ?? text}`),
    warn: (t) => lines.push(`warn ${t ?? text}`),
    stop: (t) => lines.push(`stop ${t ?? text}`),
    clear: () => {},
  });
  return { lines, reporter: { task } };
}

describe('runActions: the one executor of every command', () => {
  it('runs each action once, in order, skipping noops, and records what was done', async () => {
    const { lines, reporter } = recordingReporter();
    const ran: string[] = [];
    const result = await runActions([action('a'), action('skip', 'noop'), action('b')], { reporter, signal: never }, fresh(), async (a) => {
      ran.push(a.id);
      return a.id === 'b' ? 'proved' : undefined;
    });
    expect(ran).toEqual(['a', 'b']);
    expect(ids(result)).toEqual(['a:done', 'b:done']);
    expect(lines).toEqual(['ok do a', 'ok do b: proved']);
  });

  it('prints what a step reports as one neutralised line: an id or name from the wire cannot steer the terminal', async () => {
    const { lines, reporter } = recordingReporter();
    await runActions([action('a')], { reporter, signal: never }, fresh(), async () => 'made token 1f\u001b]0;owned\u0007\nnext');
    expect(lines).toEqual(['ok do a: made token 1f\\x1b]0;owned\\x07\\nnext']);
  });

  it('stops at the first failure: the line says failed, later steps never run, applied keeps what was done', async () => {
    const { lines, reporter } = recordingReporter();
    const result = fresh();
    const run = runActions([action('a'), action('b'), action('c')], { reporter, signal: never }, result, async (a) => {
      if (a.id === 'b') throw new RemoteError('boom');
    });
    await expect(run).rejects.toThrow('boom');
    expect(ids(result)).toEqual(['a:done']);
    expect(lines).toEqual(['ok do a', 'fail do b: failed']);
  });

  it('a wait that runs out is not a failure: the line says waiting and the PendingError passes through', async () => {
    const { lines, reporter } = recordingReporter();
    const error = await runActions([action('a')], { reporter, signal: never }, fresh(), async () => {
      throw new PendingError('still waiting');
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PendingError);
    expect(ids((error as PendingError).partial as RunResult)).toEqual(['a:pending']);
    expect(lines).toEqual(['stop do a: waiting (a manual step)']);
  });

  it('Ctrl-C inside a step ends with an interruption that names what was done and carries it', async () => {
    const { lines, reporter } = recordingReporter();
    const error = await runActions([action('a'), action('b'), action('c')], { reporter, signal: never }, fresh(), async (a) => {
      if (a.id === 'b') throw new InterruptedError('Interrupted during DELETE /api/v1/apps/x.');
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as InterruptedError).message).toBe('Interrupted during DELETE /api/v1/apps/x. Done before that: do a.');
    expect(ids((error as InterruptedError).partial as RunResult)).toEqual(['a:done']);
    expect(lines).toEqual(['ok do a', 'stop do b: interrupted']);
  });

  it('Ctrl-C between steps sends no further request', async () => {
    const { reporter } = recordingReporter();
    const controller = new AbortController();
    const ran: string[] = [];
    const error = await runActions([action('a'), action('b')], { reporter, signal: controller.signal }, fresh(), async (a) => {
      ran.push(a.id);
      controller.abort();
    }).catch((e: unknown) => e);
    expect(ran).toEqual(['a']);
    expect((error as InterruptedError).message).toBe('Interrupted after the request in flight. Done before that: do a.');
  });

  it('a manual action becomes a manual step without running; a step may find the work is manual after all', async () => {
    const { lines, reporter } = recordingReporter();
    const ran: string[] = [];
    const result = await runActions([action('guide', 'manual'), action('a'), action('b')], { reporter, signal: never }, fresh(), async (a) => {
      ran.push(a.id);
      return a.id === 'b' ? LEFT_MANUAL : undefined;
    });
    expect(ran).toEqual(['a', 'b']);
    expect(ids(result)).toEqual(['guide:manual', 'a:done', 'b:manual']);
    expect(result.manualSteps).toEqual([{ id: 'guide', title: 'do guide', steps: ['by hand: guide'] }]);
    expect(lines).toEqual(['warn do guide (manual step)', 'ok do a', 'warn do b: left as a manual step']);
  });

  it('a phase of independent actions runs a few at a time under one line; the first failure stops the rest', async () => {
    const { lines, reporter } = recordingReporter();
    const phase = ['g1', 'g2', 'g3', 'g4', 'g5', 'g6'].map((id) => action(id, 'create', 'group-assignment'));
    let inFlight = 0;
    let most = 0;
    const result = await runActions(phase, { reporter, signal: never, concurrent: { 'group-assignment': 'assign groups' } }, fresh(), async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight -= 1;
    });
    expect(most).toBe(4);
    expect(ids(result)).toHaveLength(6);
    expect(lines).toEqual(['ok assign groups: 6 done']);

    const failing = await runActions(phase, { reporter, signal: never, concurrent: { 'group-assignment': 'assign groups' } }, fresh(), async (a) => {
      if (a.id === 'g1') throw new RemoteError('boom');
    }).catch((e: unknown) => e);
    expect((failing as Error).message).toBe('boom');
    expect(lines.at(-1)).toMatch(/^fail assign groups: \d of 6 done, then failed$/);
  });
});
