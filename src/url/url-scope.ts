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

/**
 * True when `hostname` (as `URL#hostname` gives it: lower case, IPv6 in brackets) is a
 * loopback address, 127.0.0.0/8 or `::1`, or exactly `localhost`. A name that merely ends in
 * `.localhost` is not trusted: RFC 6761 asks resolvers to keep it on the machine, but not
 * every resolver does, and trusting it would send the key over plain http to whatever
 * answers. `localhost` itself resolves from /etc/hosts on every platform Node supports.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]' || host === '::1') return true;
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
}
