#!/usr/bin/env node
// With --debug, a stack goes through the shipped source maps and names src/ files and lines, not
// minified chunks (#24 item 31). Enabled before the bundle loads: it applies to what loads after.
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
// Node 22.1+ keeps the bundle's compiled code between runs (the cache Node offers CLIs for their
// start-up); older Node has no such call, and compiles each time.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
const { runProcess } = await import('../dist/index.js');
await runProcess(process.argv);
