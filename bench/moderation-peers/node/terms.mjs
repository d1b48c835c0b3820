// The word lists the multilingual peers ship, per language of ours, read from the installed
// packages (their exported lists, or the dictionary a filter built for one language holds),
// so the Rust driver can build an evasion set from terms nobody here wrote. Prints JSON:
// one source per package, with its version, its licence as its package.json declares it,
// and per language code the terms as the package lists them.
//
// Usage: node terms.mjs

import { createRequire } from 'node:module';

import { packageJson } from './runner.mjs';

// Some libraries log while loading their lists; stdout carries only the report.
console.log = (...a) => console.error(...a);
console.info = (...a) => console.error(...a);

const require = createRequire(import.meta.url);

function meta(name) {
  const pkg = packageJson(name);
  return { version: pkg.version, license: pkg.license ?? '?' };
}

// glin-profanity keeps its lists inside the bundle: a filter built for one language holds
// that language's dictionary, lower-cased, in `words`.
const GLIN = {
  en: 'english', es: 'spanish', pt: 'portuguese', fr: 'french', de: 'german', it: 'italian',
  ru: 'russian', tr: 'turkish', ar: 'arabic', hi: 'hindi', ja: 'japanese', ko: 'korean',
  zh: 'chinese',
};

const sources = [
  {
    source: 'glin-profanity',
    package: 'glin-profanity',
    read: () => {
      const { Filter } = require('glin-profanity');
      return Object.fromEntries(
        Object.entries(GLIN).map(([code, name]) => [code, [...new Filter({ languages: [name] }).words.keys()]]),
      );
    },
  },
  {
    source: '@2toad/profanity',
    package: '@2toad/profanity',
    read: () => Object.fromEntries(require('@2toad/profanity/dist/data').profaneWords),
  },
  {
    source: 'allprofanity',
    package: 'allprofanity',
    read: async () => {
      const m = await import('allprofanity');
      return {
        en: m.englishBadWords, es: m.spanishBadWords, pt: m.brazilianBadWords,
        fr: m.frenchBadWords, de: m.germanBadWords, hi: m.hindiBadWords,
      };
    },
  },
  {
    // leo-profanity's French and Russian dictionaries come from french-badwords-list and
    // russian-bad-words (both MIT), its English one is its own.
    source: 'leo-profanity',
    package: 'leo-profanity',
    read: () => {
      const filter = require('leo-profanity');
      return { en: filter.getDictionary('en'), fr: filter.getDictionary('fr'), ru: filter.getDictionary('ru') };
    },
  },
  {
    // The LDNOOBW lists (our own lexicons' source, before our curation); Quebec French with French.
    source: 'naughty-words',
    package: 'naughty-words',
    read: () => {
      const lists = require('naughty-words');
      const out = {};
      for (const code of Object.keys(GLIN)) out[code] = [...(lists[code] ?? [])];
      out.fr = [...out.fr, ...(lists['fr-CA-u-sd-caqc'] ?? [])];
      return out;
    },
  },
];

const out = [];
for (const s of sources) {
  const { version, license } = meta(s.package);
  try {
    const lists = await s.read();
    const kept = {};
    for (const [code, terms] of Object.entries(lists)) {
      if (GLIN[code] && Array.isArray(terms)) kept[code] = terms.filter((t) => typeof t === 'string');
    }
    out.push({ source: s.source, version, license, lists: kept });
  } catch (e) {
    out.push({ source: s.source, version, license, lists: {}, error: String(e && e.stack ? e.stack.split('\n')[0] : e) });
  }
}
process.stdout.write(JSON.stringify({ sources: out }) + '\n');
