import { readFileSync, writeFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
const doc = parseDocument(readFileSync('openapi/hero-public-api.yaml', 'utf8'));
const paths = doc.get('paths') as any;
const first = paths.items[0].value; const op = first.items[0].value;
op.set('summary', `${op.get('summary')} (edited)`);
writeFileSync('/tmp/desc.yaml', doc.toString());
