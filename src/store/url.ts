/** Store URLs, printable: a postgres URL's password never reaches a message or a log. */

/**
 * `url` with the password of a postgres URL replaced by '***', whether it sits in the user part
 * (`postgres://user:secret@host/db`) or in a `password=` query parameter (safe to print).
 *
 * @example
 * redactUrl('postgres://ann:secret@db:5432/studies'); // 'postgres://ann:***@db:5432/studies'
 */
export function redactUrl(url: string): string {
  if (!/^postgres(?:ql)?:\/\//.test(url)) return url;
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:)[^/?#]*@/, '$1***@').replace(/([?&]password=)[^&]*/gi, '$1***');
}
