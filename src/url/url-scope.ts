/**
 * The last line of defence before a request is sent: its resolved URL must stay under
 * the configured base URL, same origin and same path prefix. Whatever built the URL
 * (a per-call `baseUrl`, a `hero.raw` path with `..`, a middleware), a request that
 * would leave it is refused instead of sent.
 */

/**
 * A test of "is `url` under `baseUrl`": `url` (already resolved, as `Request#url` is)
 * must be the base URL's scheme, host, port and path, followed by nothing, `/…` or `?…`.
 * `https://api.example/v1` allows `https://api.example/v1/x` and not `https://api.example/v10`.
 */
export function createUrlScope(baseUrl: string): (url: string) => boolean {
  const base = new URL(baseUrl);
  base.search = '';
  base.hash = '';
  const prefix = base.href.endsWith('/') ? base.href.slice(0, -1) : base.href;
  return (url) => {
    if (!url.startsWith(prefix)) return false;
    const next = url.charCodeAt(prefix.length);
    // NaN: the URL is the prefix itself; 47 `/`; 63 `?`.
    return Number.isNaN(next) || next === 47 || next === 63;
  };
}
