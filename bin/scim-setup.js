#!/usr/bin/env node
// `--help` of the program or of one command, off a terminal or on one 80 columns wide (the width
// commander formats for then), is printed from the text the build made by running commander
// (dist/help.json): it loads no bundle, so it costs little more than starting Node. Anything else,
// or a build without the file, goes through commander as ever.
const args = process.argv.slice(2);
const isHelp = (a) => a === '--help' || a === '-h';
const asked = args.length === 1 && isHelp(args[0]) ? '' : args.length === 2 && isHelp(args[1]) && !args[0].startsWith('-') ? args[0] : undefined;
if (asked !== undefined && (process.stdout.columns || 80) === 80 && process.env.GITHUB_ACTIONS !== 'true') {
  const { readFileSync } = await import('node:fs');
  let texts;
  try {
    texts = JSON.parse(readFileSync(new URL('../dist/help.json', import.meta.url), 'utf8'));
  } catch {
    texts = {};
  }
  if (Object.hasOwn(texts, asked)) {
    // `| head` may close the pipe early: that is the reader's choice, not a crash.
    process.stdout.on('error', () => process.exit(0));
    process.stdout.write(texts[asked]);
  } else await commander();
} else await commander();

async function commander() {
  // With --debug, a stack goes through the shipped source maps and names src/ files and lines, not
  // minified chunks (#24 item 31). Enabled before the bundle loads: it applies to what loads after.
  if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
  // Node 22.1+ keeps the bundle's compiled code between runs (the cache Node offers CLIs for their
  // start-up); older Node has no such call, and compiles each time.
  const { enableCompileCache } = await import('node:module');
  enableCompileCache?.();
  const { runProcess } = await import('../dist/index.js');
  await runProcess(process.argv);
}
