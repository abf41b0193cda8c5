import MarkdownIt from 'markdown-it';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { piiStandIn } from '../../src/lib/har.js';
import { guardStream, issueWorkflowCommand, neutraliseWorkflowCommands, workflowCommand } from '../../src/lib/workflow-commands.js';
import { controlsVisible } from '../../src/lib/terminal-text.js';
import { annotations, codeSpan, junitXml, stepSummary, SUMMARY_BUDGET, type CiReport } from '../../src/verify/ci-report.js';
import type { Check } from '../../src/verify/types.js';
import { HOSTILE_NAMES } from '../helpers/hostile-names.js';
import { parseWorkflowCommands } from '../helpers/workflow-parser.js';

/** A stream that keeps what is written to it. */
function collecting() {
  const chunks: string[] = [];
  const stream = {
    write: (chunk: string) => {
      chunks.push(chunk);
      return true;
    },
  } as unknown as NodeJS.WritableStream;
  return { stream, text: () => chunks.join('') };
}

const check = (name: string, status: Check['status'], extra: Partial<Check> = {}): Check => ({
  id: `push-group:${name}`,
  status,
  summary: `group "${name}" differs`,
  evidence: [`Okta: ${name}`, 'ada@example.com'],
  fix: `re-push "${name}"`,
  ...extra,
});

const report = (): CiReport => ({
  command: 'verify',
  actions: HOSTILE_NAMES.map((name, i) => ({ id: `push-mapping:${i}`, kind: 'create', resource: 'push-mapping', summary: `push group "${name}"` }) as never),
  checks: HOSTILE_NAMES.flatMap((name, i) => [check(name, (['fail', 'pending', 'warn', 'pass'] as const)[i % 4])]),
  outcome: { kind: 'failed', message: 'Okta said: ##[stop-commands] ::error::x [a](https://evil.example)', fix: 'fix <b>it</b>', exitCode: 1 },
});

describe('workflow commands in untrusted text (#20)', () => {
  it.each(HOSTILE_NAMES)('a name is inert in any line the runner reads: %j', (name) => {
    const lines = [`✗ push-group:${name}`, name, `  ${name}`, `${name}\n${name}`].map((t) => neutraliseWorkflowCommands(t));
    expect(parseWorkflowCommands(lines.join('\n'))).toEqual([]);
  });

  it('a command cut in two by the writes is still caught; JSON-safe and readable', () => {
    const sink = collecting();
    const guarded = guardStream(sink.stream);
    for (const chunk of ['abc #', '#', '[stop-commands]tok\n', ' ', ':', ':error::x\n', ':', ':warning::y\r', '::notice::z\n']) guarded.write(chunk);
    expect(parseWorkflowCommands(sink.text())).toEqual([]);
    expect(sink.text()).toContain('##\\x5bstop-commands]');
    // The program's own annotation goes through the one door, and is the one command the runner sees.
    issueWorkflowCommand(guarded, workflowCommand('error', { title: 'scim-setup a,b:c' }, 'line1\nline2 ##[x] 100%'));
    const commands = parseWorkflowCommands(sink.text());
    expect(commands).toEqual([expect.objectContaining({ syntax: 'v2', name: 'error', properties: { title: 'scim-setup a,b:c' } })]);
    expect(commands[0].data).toBe('line1\nline2 ##\\x5bx] 100%');
  });

  it('annotation properties are escaped: a name cannot add file=, line= or title=', () => {
    const line = workflowCommand('warning', { title: 'scim-setup push-group:a,file=/etc/passwd,line=1::x' }, 'm');
    expect(parseWorkflowCommands(line)).toEqual([
      expect.objectContaining({ name: 'warning', properties: { title: 'scim-setup push-group:a,file=/etc/passwd,line=1::x' }, data: 'm' }),
    ]);
  });

  it('control characters from a config file or the wire (ESC, BEL, an OSC) are shown as escapes in title and message, never raw', () => {
    const line = workflowCommand('error', { title: 'push-group:Eng\u001b]0;pwned\u0007' }, 'group "Eng\u001b[2J\u0007" failed\nnext');
    expect(line).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    const [command] = parseWorkflowCommands(line);
    expect(command.properties.title).toBe('push-group:Eng\\x1b]0;pwned\\x07');
    expect(command.data).toBe('group "Eng\\x1b[2J\\x07" failed\nnext');
  });
});

describe('job summary, annotations and JUnit: bounded and inert (#20)', () => {
  it('the summary renders no link, image or HTML from names, keeps one table row a check, and quotes names exactly', () => {
    const md = new MarkdownIt({ html: true, linkify: true });
    const html = md.render(stepSummary(report()));
    expect(html).not.toMatch(/<img|<h1|<script|<b>|href="https:\/\/evil/);
    // Our own one link is the only kind there could be, and this report has no manual step.
    expect(html).not.toContain('<a ');
    const verification = html.slice(html.indexOf('Verification'));
    expect((verification.match(/<tr>/g) ?? []).length).toBe(HOSTILE_NAMES.length + 1);
    expect(html).toContain('&lt;/table&gt;&lt;h1&gt;All checks passed&lt;/h1&gt;');
  });

  it('a code span holds any text literally', () => {
    const md = new MarkdownIt({ html: true, linkify: true });
    for (const name of HOSTILE_NAMES.filter((n) => !/[\r\n|]/.test(n))) {
      const rendered = md.renderInline(codeSpan(name));
      expect(rendered.startsWith('<code>') && rendered.endsWith('</code>'), rendered).toBe(true);
    }
  });

  it('one 1 MB message cannot push the summary past its budget; the cut is said', () => {
    const huge = 'x'.repeat(1024 * 1024);
    const big: CiReport = { command: 'okta', checks: Array.from({ length: 2000 }, (_, i) => check(`g${i} ${huge.slice(0, 400)}`, 'fail')) };
    big.checks!.push(check(huge, 'fail'));
    const text = stepSummary(big);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(SUMMARY_BUDGET);
    expect(text).toContain('The summary was cut at 256 KiB');
    expect(stepSummary({ command: 'okta', checks: [check(huge, 'fail')] }).length).toBeLessThan(5000);
    for (const a of annotations(big)) expect(a.message.length).toBeLessThan(4100);
    // At most ten of a level, the rest counted.
    const errors = annotations(big).filter((a) => a.level === 'error');
    expect(errors).toHaveLength(10);
    expect(errors[9].message).toMatch(/^\d+ more errors/);
  });

  it('JUnit holds only XML 1.0 characters and parses strictly, with every name read back', () => {
    const xml = junitXml(report());
    const parser = new SaxesParser();
    const names: string[] = [];
    parser.on('opentag', (tag) => {
      if (tag.name === 'testcase') names.push(String(tag.attributes.name));
    });
    parser.write(xml).close();
    expect(names).toHaveLength(HOSTILE_NAMES.length + 1);
    expect(names).toContain('push-group:]]><injected/>');
    expect(names).toContain('push-group:Not XML \ufffd\ufffd');
    expect(names).toContain('push-group:Lone \ufffd surrogate');
    expect(names.at(-1)).toBe('run');
  });

  it("annotations through the one door are exactly the program's, whatever the names", () => {
    const sink = collecting();
    const guarded = guardStream(sink.stream);
    for (const name of HOSTILE_NAMES) guarded.write(`✗ ${name}\n`);
    const list = annotations(report());
    for (const a of list) issueWorkflowCommand(guarded, workflowCommand(a.level, { title: a.title }, a.message));
    const commands = parseWorkflowCommands(sink.text());
    expect(commands.map((c) => c.name)).toEqual(list.map((a) => a.level));
    // Inert, and no raw control character: a name's ESC or BEL is shown as an escape, as on a terminal.
    expect(commands.map((c) => c.properties.title)).toEqual(list.map((a) => neutraliseWorkflowCommands(controlsVisible(a.title))));
    expect(commands.map((c) => c.properties.title).join('')).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it('--redact-pii hashes logins and e-mail addresses in every CI output, as --record-redact-pii does', () => {
    const r: CiReport = { command: 'verify', checks: [check('Eng', 'fail', { summary: 'ada.lovelace@example.com is not a member' })] };
    const pii = { pii: true };
    for (const text of [stepSummary(r, pii), junitXml(r, pii), JSON.stringify(annotations(r, pii))]) {
      expect(text).not.toContain('ada.lovelace@example.com');
      expect(text).not.toContain('ada@example.com');
      expect(text).toContain(piiStandIn('ada.lovelace@example.com'));
    }
    expect(stepSummary(r)).toContain('ada.lovelace@example.com');
  });
});
