/** Store URLs, printable: a postgres URL's password never reaches a message or a log. */

/** `url` with the password of a postgres URL replaced by '***' (safe to print). */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:)[^@]*@/, '$1***@');
}
