import { hostileSpecs } from '../src/openapi/fixtures/hostile-specs.js';
import { parseOpenApiText } from '../src/openapi/parse.js';
import { generateFiles } from '../src/drift/client-check.js';
const specs = hostileSpecs({ recorderUrl: 'http://127.0.0.1:9', hangUrl: 'http://127.0.0.1:9', secretFile: '/x', secretRelative: './x' });
for (const s of specs) {
  let doc;
  try { doc = parseOpenApiText(s.text, s.name); } catch { continue; }
  const t = performance.now();
  try { const files = await generateFiles(doc, s.name); console.log(s.name, 'ok', Math.round(performance.now() - t), 'ms', files.size); }
  catch (e) { console.log(s.name, (e as Error).name, (e as Error).message.slice(0, 150).replace(/\n/g, ' '), Math.round(performance.now() - t)); }
}
