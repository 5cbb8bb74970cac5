import { parse } from 'yaml';
const text = '['.repeat(20000) + ']'.repeat(20000);
for (let i = 0; i < 4; i++) {
  const opts = i % 2 ? { schema: 'core', merge: false, maxAliasCount: 100, version: '1.2' } : {};
  try { parse(text, opts); console.log(i, 'OK'); } catch (e) { console.log(i, 'ERR', e.message.split('\n')[0].slice(0, 80)); }
}
