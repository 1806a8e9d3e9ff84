/**
 * A request's target turned into one of the dashboard's routes (api.ts), or nothing (404).
 *
 * The raw target is split on '/' FIRST and each segment percent-decoded AFTERWARDS, and a route
 * matches whole segments against fixed words. Nothing here (or anywhere in the server) joins a
 * request path onto the file system: a page asset is looked up by its exact name in a fixed
 * in-memory map. So `..` can never climb anywhere; on top of that, any target that is not plain
 * origin-form (starting with a single '/'), that holds a backslash, an empty segment (`//`),
 * a `.` or `..` segment (raw, %2e-encoded or encoded several times), a NUL, or a segment that does not
 * decode, is refused outright. WHATWG `new URL()` is deliberately not used on the path: it
 * resolves `/a/%2e%2e/b` to `/b` before anyone can look.
 *
 * A study name is one segment, URI-encoded by the page (`encodeURIComponent`), so names holding
 * '/', '?', '#' or '%' round-trip.
 */

/** One of the dashboard's routes, with its decoded path parameters and its query. */
export type Route =
  | { kind: 'page' }
  | { kind: 'asset'; name: string }
  | { kind: 'studies' }
  | { kind: 'trials'; study: string }
  | { kind: 'trial'; study: string; number: number }
  | { kind: 'overview'; study: string }
  | { kind: 'events'; study: string };

export interface RouteMatch {
  route: Route;
  query: URLSearchParams;
}

/**
 * The route a raw request target names, or undefined (answer 404). See the module comment for
 * what is refused.
 *
 * @example
 * matchRoute('/api/studies/my%20study/trials/3?points=200'); // { route: { kind: 'trial', study: 'my study', number: 3 }, query }
 */
export function matchRoute(target: string): RouteMatch | undefined {
  if (!target.startsWith('/') || target.startsWith('//')) return undefined;
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
  if (rawPath.includes('\\')) return undefined;
  if (rawPath === '/') return { route: { kind: 'page' }, query };
  const segments = decodeSegments(rawPath.slice(1));
  if (segments === undefined) return undefined;
  const route = routeOf(segments);
  return route === undefined ? undefined : { route, query };
}

function routeOf(s: readonly string[]): Route | undefined {
  if (s.length === 2 && s[0] === 'assets') return { kind: 'asset', name: s[1] };
  if (s[0] !== 'api' || s[1] !== 'studies') return undefined;
  if (s.length === 2) return { kind: 'studies' };
  const study = s[2];
  if (s.length === 4 && s[3] === 'trials') return { kind: 'trials', study };
  if (s.length === 4 && s[3] === 'overview') return { kind: 'overview', study };
  if (s.length === 4 && s[3] === 'events') return { kind: 'events', study };
  if (s.length === 5 && s[3] === 'trials' && /^(0|[1-9][0-9]{0,14})$/.test(s[4])) return { kind: 'trial', study, number: Number(s[4]) };
  return undefined;
}

/**
 * The path's segments, decoded once; undefined when one is empty, does not decode, or (decoded
 * once, twice or more) holds a '.' or '..' path component, a backslash or a NUL. A study literally named
 * '../x' therefore cannot be opened: a fair price for a rule with no exceptions.
 */
function decodeSegments(path: string): string[] | undefined {
  const out: string[] = [];
  for (const raw of path.split('/')) {
    const once = decode(raw);
    if (once === undefined || once === '') return undefined;
    // Decoded again and again until it stops changing (a '%' that does not decode is part of the name).
    for (let form: string | undefined = once, i = 0; form !== undefined && i < 8; i++) {
      if (unsafe(form)) return undefined;
      const next = decode(form);
      form = next === form ? undefined : next;
    }
    out.push(once);
  }
  return out;
}

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

const unsafe = (s: string): boolean => /[\\\0]/.test(s) || s.split('/').some((p) => p === '.' || p === '..');
