import { parse, parseDocument } from 'yaml';
const tries = {
  rec: 'a: &a\n  b: *a\n',
  bomb: 'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n',
  y11: '%YAML 1.1\n---\na: !!binary aGVsbG8=\nb: !!set {x, y}\nc: 2001-12-14\nd: !!omap [a: 1]\n',
  proto: '__proto__: {polluted: 1}\n',
  deep: '['.repeat(20000) + ']'.repeat(20000),
  tag: 'a: !foo bar\n',
  inf: 'a: .inf\nb: .nan\n',
  merge: 'a: &a {x: 1}\nb: {<<: *a, y: 2}\n',
};
for (const [name, text] of Object.entries(tries)) {
  for (const opts of [{}, { schema: 'core', merge: false, maxAliasCount: 100, version: '1.2' }]) {
    try {
      const v = parse(text, opts);
      console.log(name, JSON.stringify(opts).length, 'OK', typeof v, v && Object.prototype.toString.call(v.a ?? v), v && v.b && Object.prototype.toString.call(v.b), ({}).polluted, v && Object.keys(v));
    } catch (e) { console.log(name, JSON.stringify(opts).length, 'ERR', e.constructor.name, e.message.split('\n')[0].slice(0, 120)); }
  }
}
