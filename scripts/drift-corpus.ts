/**
 * `npm run drift:corpus`: scores hero-drift's classification on the oasdiff-style corpus
 * (src/drift/fixtures/oasdiff-corpus.ts): breaking changes found, harmless ones called
 * breaking, crashes. Prints each miss so a rule change can be judged case by case.
 */
import { classifyChanges } from '../src/drift/classify.js';
import { ORACLE_CORPUS, scoreCorpus } from '../src/drift/fixtures/oasdiff-corpus.js';

const score = await scoreCorpus((before, after) => classifyChanges({ document: before, label: 'before' }, { document: after, label: 'after' }));
for (const miss of score.breaking.missed) console.log(`missed (breaking not found): ${miss}`);
for (const alarm of score.harmless.calledBreaking) console.log(`false alarm (harmless called breaking): ${alarm}`);
for (const crash of score.crashed) console.log(`crashed: ${crash}`);
console.log(
  `${ORACLE_CORPUS.length} cases: breaking found ${score.breaking.found} of ${score.breaking.total}; ` +
    `harmless called breaking ${score.harmless.calledBreaking.length} of ${score.harmless.total}; crashes ${score.crashed.length}`,
);
