import { describe, expect, it } from 'vitest';
import { runSteps } from '../../src/apply/run-steps.js';
import { InterruptedError, PendingError, RemoteError } from '../../src/lib/errors.js';
import type { Task } from '../../src/lib/reporter.js';
import type { Action } from '../../src/plan/types.js';

function action(id: string, kind: Action['kind'] = 'delete'): Action {
  return { id, kind, resource: 'app', summary: `do ${id}` } as Action;
}

/** A reporter that writes each task's verdict as one line, the way a plain log shows it. */
function recordingReporter() {
  const lines: string[] = [];
  const task = (text: string): Task => ({
    update: () => {},
    succeed: (t) => lines.push(`ok ${t ?? text}`),
    fail: (t) => lines.push(`fail ${t ?? text}`),
    warn: (t) => lines.push(`warn ${t ?? text}`),
    stop: (t) => lines.push(`stop ${t ?? text}`),
  });
  return { lines, reporter: { task } };
}

describe('runSteps: the sequential executor of destroy and migrate', () => {
  it('runs each action once, in order, skipping noops, and records what was done', async () => {
    const { lines, reporter } = recordingReporter();
    const ran: string[] = [];
    const applied: string[] = [];
    await runSteps([action('a'), action('skip', 'noop'), action('b')], { reporter, signal: new AbortController().signal }, applied, async (a) => {
      ran.push(a.id);
    });
    expect(ran).toEqual(['a', 'b']);
    expect(applied).toEqual(['a', 'b']);
    expect(lines).toEqual(['ok do a', 'ok do b']);
  });

  it('stops at the first failure: the line says failed, later steps never run, applied keeps what was done', async () => {
    const { lines, reporter } = recordingReporter();
    const applied: string[] = [];
    const run = runSteps([action('a'), action('b'), action('c')], { reporter, signal: new AbortController().signal }, applied, async (a) => {
      if (a.id === 'b') throw new RemoteError('boom');
    });
    await expect(run).rejects.toThrow('boom');
    expect(applied).toEqual(['a']);
    expect(lines).toEqual(['ok do a', 'fail do b: failed']);
  });

  it('a wait that runs out is not a failure: the line says waiting and the PendingError passes through', async () => {
    const { lines, reporter } = recordingReporter();
    const run = runSteps([action('a')], { reporter, signal: new AbortController().signal }, [], async () => {
      throw new PendingError('still waiting');
    });
    await expect(run).rejects.toBeInstanceOf(PendingError);
    expect(lines).toEqual(['stop do a: waiting']);
  });

  it('Ctrl-C inside a step ends with an interruption that names what was done and carries it', async () => {
    const { lines, reporter } = recordingReporter();
    const error = await runSteps([action('a'), action('b'), action('c')], { reporter, signal: new AbortController().signal }, [], async (a) => {
      if (a.id === 'b') throw new InterruptedError('Interrupted during DELETE /api/v1/apps/x.');
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as InterruptedError).message).toBe('Interrupted during DELETE /api/v1/apps/x. Done before that: a.');
    expect((error as InterruptedError).partial).toEqual({ applied: ['a'] });
    expect(lines).toEqual(['ok do a', 'stop do b: interrupted']);
  });

  it('Ctrl-C between steps sends no further request', async () => {
    const { reporter } = recordingReporter();
    const controller = new AbortController();
    const ran: string[] = [];
    const error = await runSteps([action('a'), action('b')], { reporter, signal: controller.signal }, [], async (a) => {
      ran.push(a.id);
      controller.abort();
    }).catch((e: unknown) => e);
    expect(ran).toEqual(['a']);
    expect((error as InterruptedError).message).toBe('Interrupted. Done before that: a.');
  });
});
