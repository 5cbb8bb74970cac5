import re, glob, os
SHARED = {'HTTP_METHODS','isObject','objectEntries','escapePointerSegment','pointerOf','readPointer','JsonObject','OpenApiDocument'}
files = glob.glob('src/drift/**/*.ts', recursive=True) + ['scripts/generate.ts']
pat = re.compile(r"import (type )?\{([^}]*)\} from '((?:\.\./)*(?:\./)?(?:src/drift/)?(?:\.\./)?openapi-document\.js)';\n", re.S)
for f in files:
    s = open(f).read()
    def repl(m):
        typeonly = m.group(1) is not None
        names = [n.strip() for n in m.group(2).split(',') if n.strip()]
        spec = m.group(3)
        shared = [n for n in names if n.replace('type ','').strip() in SHARED]
        local = [n for n in names if n not in shared]
        # path to src/openapi/document.js from file
        target = os.path.relpath('src/openapi/document.js', os.path.dirname(f))
        if not target.startswith('.'): target = './' + target
        out = ''
        def fmt(ns, path):
            body = ', '.join(ns)
            line = f"import {'type ' if typeonly else ''}{{ {body} }} from '{path}';\n"
            if len(line) > 130:
                line = f"import {'type ' if typeonly else ''}{{\n" + ''.join(f"  {n},\n" for n in ns) + f"}} from '{path}';\n"
            return line
        if shared: out += fmt(shared, target)
        if local: out += fmt(local, spec)
        return out
    s2 = pat.sub(repl, s)
    if s2 != s:
        open(f, 'w').write(s2); print('updated', f)
