// Writes the licence texts of every npm package that ended up in the bundle (from esbuild's metafile).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [ metafile, output ] = process.argv.slice(2);
const inputs = Object.keys(JSON.parse(readFileSync(metafile, 'utf8')).inputs);
const packages = new Set();
for (const input of inputs) {
  const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (match) packages.add(match[1]);
}
const parts = [];
for (const name of [ ...packages ].sort()) {
  const dir = join('node_modules', name);
  const { version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = readdirSync(dir).find(f => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  const text = file ? readFileSync(join(dir, file), 'utf8').trim() : `License: ${license}`;
  parts.push(`${'='.repeat(78)}\n${name} ${version}\n${'='.repeat(78)}\n\n${text}\n`);
}
writeFileSync(output, parts.join('\n'));
