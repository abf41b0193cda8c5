// The licence notices of every package bundled into dist: the packages come from the bundle's
// metafile (what esbuild actually put in), their licences from their own package folders.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Package folders the bundle drew inputs from, by name@version. */
export function bundledPackages(metafile, root) {
  const folders = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    // A plugin's stand-in (`deferred:<path>`, scripts/build.mjs): the real module is an input of its own.
    if (/^[\w-]+:/.test(input)) continue;
    const m = /^(?:.*\/)?node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (!m) continue;
    const folder = join(root, input.slice(0, m[0].length - 1));
    const pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
    folders.set(`${pkg.name}@${pkg.version}`, { folder, pkg });
  }
  return [...folders.entries()].sort(([a], [b]) => a.localeCompare(b));
}

function licenceText(folder) {
  const file = readdirSync(folder).find((f) => /^(licen[cs]e|copying|notice)(\.|$)/i.test(f));
  return file && existsSync(join(folder, file)) ? readFileSync(join(folder, file), 'utf8').trim() : undefined;
}

export function noticesFor(metafile, root) {
  const parts = ['scim-setup bundles the following packages. Their licences and notices follow.', ''];
  for (const [id, { folder, pkg }] of bundledPackages(metafile, root)) {
    const licence = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? 'see below');
    parts.push(
      '='.repeat(78),
      `${id}  (${licence})`,
      pkg.homepage ?? pkg.repository?.url ?? '',
      '',
      licenceText(folder) ?? `License: ${licence} (the package ships no licence file).`,
      '',
    );
  }
  return parts.join('\n');
}
