/**
 * A port of how the GitHub Actions runner reads workflow commands from a step's output
 * (actions/runner: src/Runner.Worker/ActionCommandManager.cs, src/Runner.Common/ActionCommand.cs):
 * lines as .NET's ReadLine splits them (CR, LF, CRLF); a line is first tried as `::name props::data`
 * after its leading white space is trimmed (TryParseV2), then as `##[name props]data` found anywhere
 * in the line (TryParse); `stop-commands` turns processing off until its token comes back.
 * Tests read every output of the product through it, as the runner would.
 */
export interface ParsedCommand {
  syntax: 'v2' | 'v1';
  name: string;
  properties: Record<string, string>;
  data: string;
  line: string;
}

/** The commands the runner registers (ActionCommandManager's extensions, and the v1 names it still maps). */
const REGISTERED = new Set([
  'error',
  'warning',
  'notice',
  'debug',
  'add-mask',
  'add-path',
  'set-env',
  'set-output',
  'save-state',
  'stop-commands',
  'echo',
  'group',
  'endgroup',
  'add-matcher',
  'remove-matcher',
  'internal-set-repo-path',
  'task.setvariable',
  'task.logissue',
  'task.setsecret',
]);

const unescapeData = (s: string) => s.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) => unescapeData(s).replace(/%3A/gi, ':').replace(/%2C/gi, ',');

function properties(text: string, separator: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(separator)) {
    if (pair.trim() === '') continue;
    const at = pair.indexOf('=');
    if (at > 0) out[pair.slice(0, at).trim()] = unescapeProperty(pair.slice(at + 1));
  }
  return out;
}

function tryParseV2(raw: string): ParsedCommand | undefined {
  const message = raw.trimStart();
  if (!message.startsWith('::')) return undefined;
  const end = message.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = message.slice(2, end);
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  if (!REGISTERED.has(name)) return undefined;
  return { syntax: 'v2', name, properties: space < 0 ? {} : properties(info.slice(space + 1), ','), data: unescapeData(message.slice(end + 2)), line: raw };
}

function tryParseV1(raw: string): ParsedCommand | undefined {
  const prefix = raw.indexOf('##[');
  if (prefix < 0) return undefined;
  const rb = raw.indexOf(']', prefix);
  if (rb < 0) return undefined;
  const info = raw.slice(prefix + 3, rb);
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  if (!REGISTERED.has(name)) return undefined;
  return { syntax: 'v1', name, properties: space < 0 ? {} : properties(info.slice(space + 1), ';'), data: unescapeData(raw.slice(rb + 1)), line: raw };
}

/** Every command the runner would carry out from this output, in order, honouring stop-commands. */
export function parseWorkflowCommands(output: string): ParsedCommand[] {
  const found: ParsedCommand[] = [];
  let stopToken: string | undefined;
  for (const line of output.split(/\r\n|\r|\n/)) {
    if (stopToken !== undefined) {
      if (line.trim() === `::${stopToken}::`) stopToken = undefined;
      continue;
    }
    const command = tryParseV2(line) ?? tryParseV1(line);
    if (!command) continue;
    if (command.name === 'stop-commands') stopToken = command.data;
    found.push(command);
  }
  return found;
}

/** GITHUB_OUTPUT as the runner reads it (SetOutputFileCommand): `name=value` lines and `name<<DELIM` heredocs. */
export function parseGithubOutput(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const eq = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (heredoc > 0 && (eq < 0 || heredoc < eq)) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      const value: string[] = [];
      for (i += 1; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]);
      if (i >= lines.length) throw new Error(`GITHUB_OUTPUT: no closing delimiter for ${name}`);
      out[name] = value.join('\n');
    } else if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
    else throw new Error(`GITHUB_OUTPUT: invalid line ${JSON.stringify(line)}`);
  }
  return out;
}
