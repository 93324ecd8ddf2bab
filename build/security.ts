/**
 * The page's security policy, one definition for every place that serves it: a <meta> in
 * index.html (static hosts), and HTTP headers from `vite preview` and the test server (which can
 * also forbid framing and MIME sniffing, and cover the worker scripts a <meta> cannot reach).
 *
 * Own origin only. 'wasm-unsafe-eval' lets tfjs compile its WebAssembly (nothing else is
 * evaluated); inline styles are React's and recharts' style attributes; data: and blob: images
 * are the exported charts and the drawn digits.
 */
const POLICY: Record<string, string> = {
  'default-src': "'self'",
  'script-src': "'self' 'wasm-unsafe-eval'",
  'worker-src': "'self'",
  'style-src': "'self' 'unsafe-inline'",
  'img-src': "'self' data: blob:",
  'connect-src': "'self'",
  'font-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'self'",
  'form-action': "'none'",
};

export const CONTENT_SECURITY_POLICY = Object.entries(POLICY)
  .map(([directive, value]) => `${directive} ${value}`)
  .join('; ');

/** Headers for a server we control; frame-ancestors works only as a header. */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};
