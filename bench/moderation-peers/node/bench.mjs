// Times the npm profanity filters on the benchmark corpus, one after the other on this
// thread, and prints their results as JSON for the Rust driver (see ../src/peers.rs).
//
// Usage: node bench.mjs --corpus corpus.jsonl [--passes 5] [--budget-secs 10]

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { Filter } from 'bad-words';
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';

const { values: args } = parseArgs({
  options: {
    corpus: { type: 'string' },
    passes: { type: 'string', default: '5' },
    'budget-secs': { type: 'string', default: '10' },
  },
});
if (!args.corpus) {
  console.error('usage: node bench.mjs --corpus corpus.jsonl [--passes N] [--budget-secs S]');
  process.exit(2);
}
const passes = Number(args.passes);
const budgetNs = BigInt(Math.round(Number(args['budget-secs']) * 1e9));
// The budget is checked once every this many messages, as the Rust side does.
const CHECK_EVERY = 64;

const lines = readFileSync(args.corpus, 'utf8')
  .split('\n')
  .filter((l) => l.length > 0)
  .map((l) => JSON.parse(l));
const texts = lines.map((l) => l.text);

function versionOf(name) {
  const url = new URL(`./node_modules/${name}/package.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')).version;
}

// Each peer: how to build it once, and "does it flag this text".
const peers = [
  {
    engine: 'obscenity',
    package: 'obscenity',
    // The library's documented setup: the English dataset with the recommended transformers.
    build: () => {
      const matcher = new RegExpMatcher({
        ...englishDataset.build(),
        ...englishRecommendedTransformers,
      });
      return (text) => matcher.hasMatch(text);
    },
  },
  {
    engine: 'bad-words',
    package: 'bad-words',
    build: () => {
      const filter = new Filter();
      return (text) => filter.isProfane(text);
    },
  },
];

function measure(flags) {
  const flagged = [];
  for (let i = 0; i < texts.length; i++) {
    if (flags(texts[i])) flagged.push(lines[i].id);
  }
  let timed = 0;
  let hits = 0;
  const start = process.hrtime.bigint();
  outer: for (let p = 0; p < passes; p++) {
    for (const text of texts) {
      if (flags(text)) hits++;
      timed++;
      if (timed % CHECK_EVERY === 0 && process.hrtime.bigint() - start >= budgetNs) break outer;
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  // Keep the result alive so the timed calls cannot be optimised away.
  if (hits < 0) console.error(hits);
  return { flagged, timed_messages: timed, seconds };
}

const engines = [];
for (const peer of peers) {
  let version = '?';
  try {
    version = versionOf(peer.package);
    console.error(`timing ${peer.engine} ${version} ...`);
    engines.push({ engine: peer.engine, version, ...measure(peer.build()) });
  } catch (e) {
    engines.push({ engine: peer.engine, version, error: String(e && e.stack ? e.stack.split('\n')[0] : e) });
  }
}
process.stdout.write(JSON.stringify({ engines }) + '\n');
