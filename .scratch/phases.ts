import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { generateFiles } from '../src/drift/client-check.ts';
const doc = JSON.parse(readFileSync('/tmp/fh/typechange.json', 'utf8'));
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
let c = cpu(); let t = performance.now();
const lap = (what: string) => { const c2 = cpu(), t2 = performance.now(); console.log(what, (c2 - c).toFixed(2), 's CPU', ((t2 - t) / 1000).toFixed(2), 's wall'); c = c2; t = t2; };
await import('typescript'); lap('import typescript');
await generateFiles(doc, 'x'); lap('generate types');
const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noUncheckedIndexedAccess: true, skipLibCheck: true, noEmit: true, types: ['node'], lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'] };
for (const roots of [['src/index.ts'], ['src/index.ts', 'src/testing.ts', 'src/contract/bin.ts', 'src/webhooks-cli/bin.ts', 'src/mock-cli/bin.ts']]) {
  const p = ts.createProgram(roots, options); lap(`createProgram ${roots.length} roots (${p.getSourceFiles().filter((f) => !f.isDeclarationFile).length} files)`);
  ts.getPreEmitDiagnostics(p); lap('diagnostics');
}
