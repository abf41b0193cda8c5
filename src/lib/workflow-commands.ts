/**
 * GitHub Actions reads workflow commands from every line a step writes, on stdout and stderr:
 * `::name props::data` where a line starts with `::` (after leading white space), and the older
 * `##[name props]data` anywhere in a line (actions/runner, ActionCommand.TryParseV2 and TryParse).
 * A group named `Quiet ##[stop-commands]` would silence every later annotation, `##[add-mask]`
 * hide words, `::set-output` forge outputs. So while GITHUB_ACTIONS is set, every byte the process
 * writes passes one guard that makes such text inert, and the program's own commands are built in
 * one place, their data and properties escaped as @actions/core escapes them.
 */

import { controlsVisible } from './terminal-text.js';

/**
 * What breaks a command's syntax and stays readable: its last character as a visible escape, as
 * the terminal guard shows controls. Only the last character changes, so text already written
 * (the first half of a command cut in two by the writes) never needs taking back.
 */
const BROKEN_HASH = '##\\x5b';
const BROKEN_COLON = ':\\x3a';

/** Pure: one piece of text, with every workflow command in it made inert; `atLineStart` says where the text begins. */
export function neutraliseWorkflowCommands(text: string, atLineStart = true): string {
  // The runner reads lines as .NET's ReadLine does: CR, LF and CRLF each end one.
  const parts = text.split(/(\r\n|\r|\n)/);
  return parts
    .map((part, i) => {
      if (i % 2 === 1) return part;
      const out = part.replaceAll('##[', BROKEN_HASH);
      return (i > 0 || atLineStart) && /^\s*::/.test(out) ? out.replace(/^(\s*)::/, `$1${BROKEN_COLON}`) : out;
    })
    .join('');
}

/** A workflow command's data: `%`, CR and LF escaped (@actions/core toCommandValue/escapeData). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command's property value: as data, and `:` and `,` too, which end a property (@actions/core escapeProperty). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * Pure: one workflow command line, every part escaped; the data is made inert too, should the runner
 * ever read it again, and every control character (ESC, BEL: from a config file or the wire) is shown
 * as an escape, as on a terminal: the log viewer renders what an annotation holds.
 */
export function workflowCommand(name: 'error' | 'warning' | 'notice', properties: Record<string, string>, data: string): string {
  const props = Object.entries(properties)
    .map(([k, v]) => `${k}=${escapeProperty(neutraliseWorkflowCommands(controlsVisible(v)))}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(neutraliseWorkflowCommands(controlsVisible(data)))}`;
}

/** What a guarded stream offers beside `write`: the one way a real workflow command is written. */
export const WORKFLOW_COMMAND = Symbol('workflow-command');

/**
 * A stream whose every write is neutralised, for the life of a run under GitHub Actions. It keeps
 * where a line starts across writes, so a command split over two writes is caught too; the original
 * stream's other properties (isTTY, columns, listeners) are the original's.
 */
export function guardStream<S extends NodeJS.WritableStream>(stream: S): S {
  let atLineStart = true;
  let tail = '';
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
    // The stream's own write, with the caller's encoding and callback as they came.
    const passOn = (out: string): boolean => Reflect.apply(stream.write, stream, [out, ...rest]) !== false;
    if (text === '') return passOn('');
    // A `##[` or a line-start `::` cut in two by the writes: judged on the joined text, only the new part written.
    const joined = neutraliseWorkflowCommands(tail + text, atLineStart);
    const safe = joined.slice(neutraliseWorkflowCommands(tail, atLineStart).length);
    const last = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
    if (last >= 0) {
      atLineStart = true;
      tail = text.slice(last + 1);
    } else tail += text;
    // Only what can still join a command is kept: a short tail, or a line of blanks and colons.
    if (!/^\s*:?$/.test(tail)) {
      atLineStart = false;
      tail = tail.slice(-2);
    }
    return passOn(safe);
  };
  const command = (line: string) => {
    stream.write(`${atLineStart && tail === '' ? '' : '\n'}${line}\n`);
    atLineStart = true;
    tail = '';
  };
  return new Proxy(stream, {
    get(target, prop) {
      if (prop === 'write') return write;
      if (prop === WORKFLOW_COMMAND) return command;
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Writes a workflow command built by `workflowCommand`: through the guard's own door where there is one. */
export function issueWorkflowCommand(stream: NodeJS.WritableStream, line: string): void {
  const door: unknown = Reflect.get(stream, WORKFLOW_COMMAND);
  if (typeof door === 'function') door(line);
  else stream.write(`${line}\n`);
}
