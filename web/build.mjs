// Builds the web console into dist/ (index.html, app.js, app.css) with esbuild; with --check,
// builds into a scratch folder and fails unless dist/ (committed, served by ivschat-local)
// equals that fresh build byte for byte. esbuild's output is deterministic for one version,
// pinned in package-lock.json.

import { readFile, mkdtemp, mkdir, rm, writeFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';

const root = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(root, 'dist');

async function build(outdir) {
  await mkdir(outdir, { recursive: true });
  await esbuild.build({
    entryPoints: { app: path.join(root, 'src', 'main.js') },
    bundle: true,
    format: 'esm',
    target: ['es2022'],
    platform: 'browser',
    minify: true,
    legalComments: 'eof',
    charset: 'utf8',
    outdir,
    logLevel: 'warning',
  });
  await esbuild.build({
    entryPoints: { app: path.join(root, 'src', 'app.css') },
    bundle: true,
    minify: true,
    charset: 'utf8',
    outdir,
    logLevel: 'warning',
  });
  await writeFile(path.join(outdir, 'index.html'), await readFile(path.join(root, 'src', 'index.html')));
}

async function filesOf(folder) {
  const names = (await readdir(folder)).sort();
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await readFile(path.join(folder, n))])));
}

if (process.argv.includes('--check')) {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'web-console-build-'));
  try {
    await build(scratch);
    const fresh = await filesOf(scratch);
    const committed = await filesOf(dist);
    const names = new Set([...Object.keys(fresh), ...Object.keys(committed)]);
    const differing = [...names].filter((n) => !fresh[n] || !committed[n] || !fresh[n].equals(committed[n]));
    if (differing.length > 0) {
      console.error(`web/dist differs from a fresh build in: ${differing.join(', ')}; run \`npm run build\` in web/ and commit dist/`);
      process.exit(1);
    }
    console.log(`web/dist equals a fresh build (${Object.keys(fresh).join(', ')})`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
} else {
  await rm(dist, { recursive: true, force: true });
  await build(dist);
  console.log('built web/dist');
}
