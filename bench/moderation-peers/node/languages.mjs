// The multilingual peers on the per-language corpus: each library with every language it
// ships switched on, as its README says, one after the other on this thread. Prints JSON
// for the Rust driver (see ../src/languages.rs): per library, the languages it claims, the
// ids of the lines it flagged, and per language the lines timed and the seconds spent.
//
// Usage: node languages.mjs --corpus languages.jsonl [--passes 5] [--budget-secs 1]
// (the budget is per library and language).

import { createRequire } from 'node:module';
import { packageJson, readCorpus, runnerArgs, timeOn } from './runner.mjs';

// Some libraries log while loading their lists; stdout carries only the report.
console.log = (...a) => console.error(...a);
console.info = (...a) => console.error(...a);

const require = createRequire(import.meta.url);

const { corpus, passes, budgetNs } = runnerArgs('languages.mjs', 1);
const lines = readCorpus(corpus);
const versionOf = (name) => packageJson(name).version;

// Our language codes, the corpus's.
const ALL = ['en', 'es', 'pt', 'fr', 'de', 'it', 'ru', 'tr', 'ar', 'hi', 'ja', 'ko', 'zh'];

const peers = [
  {
    engine: 'glin-profanity',
    package: 'glin-profanity',
    languages: ALL,
    // README: `allLanguages: true` checks all of its languages; leetspeak and Unicode
    // normalisation as its examples switch them on.
    build: () => {
      const { Filter } = require('glin-profanity');
      const filter = new Filter({ allLanguages: true, detectLeetspeak: true, normalizeUnicode: true });
      return (text) => filter.isProfane(text);
    },
  },
  {
    engine: '@2toad/profanity',
    package: '@2toad/profanity',
    languages: ['en', 'es', 'pt', 'fr', 'de', 'it', 'ru', 'ar', 'hi', 'ja', 'ko', 'zh'],
    // README: `languages` takes any of its supported-languages.md; every one of them.
    build: () => {
      const { Profanity } = require('@2toad/profanity');
      const profanity = new Profanity({
        languages: ['ar', 'zh', 'en', 'fr', 'de', 'hi', 'it', 'ja', 'ko', 'pt', 'ru', 'es'],
      });
      return (text) => profanity.exists(text);
    },
  },
  {
    engine: 'allprofanity',
    package: 'allprofanity',
    languages: ['en', 'es', 'pt', 'fr', 'de', 'hi'],
    // README: `loadLanguages` with the names `getAvailableLanguages` lists.
    build: () => {
      const mod = require('allprofanity');
      const AllProfanity = mod.AllProfanity || mod.default;
      const filter = new AllProfanity();
      filter.loadLanguages(filter.getAvailableLanguages());
      return (text) => filter.check(text);
    },
  },
  {
    engine: 'leo-profanity',
    package: 'leo-profanity',
    languages: ['en', 'fr', 'ru'],
    // README: en (default), fr and ru dictionaries; `loadDictionary` replaces the list, so
    // the other two are added to the English one.
    build: () => {
      const filter = require('leo-profanity');
      filter.add(filter.getDictionary('fr'));
      filter.add(filter.getDictionary('ru'));
      return (text) => filter.check(text);
    },
  },
  {
    engine: 'naughty-words (naive)',
    package: 'naughty-words',
    languages: ALL,
    // The LDNOOBW lists of every language, any entry as a lower-case substring: no
    // normalisation, no allowlist.
    build: () => {
      const lists = require('naughty-words');
      const terms = [...new Set(Object.values(lists).flat().map((t) => t.toLowerCase()).filter((t) => t.length > 0))];
      return (text) => {
        const lower = text.toLowerCase();
        return terms.some((t) => lower.includes(t));
      };
    },
  },
];

function measure(peer, flags) {
  const flagged = [];
  for (const line of lines) {
    if (peer.languages.includes(line.lang) && flags(line.text)) flagged.push(line.id);
  }
  const timing = {};
  for (const lang of peer.languages) {
    const texts = lines.filter((l) => l.lang === lang).map((l) => l.text);
    if (texts.length > 0) timing[lang] = timeOn(flags, texts, passes, budgetNs);
  }
  return { flagged, timing };
}

const engines = [];
for (const peer of peers) {
  let version = '?';
  try {
    version = versionOf(peer.package);
    console.error(`timing ${peer.engine} ${version} on ${peer.languages.join(', ')} ...`);
    engines.push({ engine: peer.engine, version, languages: peer.languages, ...measure(peer, peer.build()) });
  } catch (e) {
    engines.push({ engine: peer.engine, version, languages: peer.languages, error: String(e && e.stack ? e.stack.split('\n')[0] : e) });
  }
}
process.stdout.write(JSON.stringify({ engines }) + '\n');
