import { parse } from 'yaml';
const n = Number(process.argv[2]); const kind = process.argv[3];
let text = kind === 'flow' ? '['.repeat(n) + ']'.repeat(n) : kind === 'block' ? Array.from({length:n},(_, i)=>' '.repeat(i)+'a:').join('\n') + ' 1\n' : '- '.repeat(n) + 'x\n';
const opts = JSON.parse(process.argv[4] ?? '{}');
const t = Date.now();
try { parse(text, opts); console.log(n, kind, 'OK', Date.now()-t, 'ms'); } catch (e) { console.log(n, kind, 'ERR', e.constructor.name, e.message.split('\n')[0].slice(0, 100), Date.now()-t, 'ms'); }
