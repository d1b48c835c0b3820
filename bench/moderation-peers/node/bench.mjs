// Times the npm profanity filters on the benchmark corpus, one after the other on this
// thread, and prints their results as JSON for the Rust driver (see ../src/peers.rs).
//
// Usage: node bench.mjs --corpus corpus.jsonl [--passes 5] [--budget-secs 10]

import { packageJson, readCorpus, runnerArgs, timeOn } from './runner.mjs';

import { Filter } from 'bad-words';
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';

const { corpus, passes, budgetNs } = runnerArgs('bench.mjs', 10);
const lines = readCorpus(corpus);
const texts = lines.map((l) => l.text);
const versionOf = (name) => packageJson(name).version;

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
  return { flagged, ...timeOn(flags, texts, passes, budgetNs) };
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
