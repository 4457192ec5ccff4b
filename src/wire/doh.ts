/**
 * What DNS over HTTPS puts around a DNS message: its path, and its media type (RFC 8484 §6) with
 * the check of a Content-Type header against it (parameters and case ignored, RFC 9110 §8.3.1).
 * Pure; used by the DoH listener, the DoH upstream transport and the https:// server syntax alike.
 */

/** RFC 8484 §3 leaves the path to the server; `/dns-query` is the one its examples, public servers and fandns's listener use. */
export const DOH_PATH = '/dns-query';

/** RFC 8484 §6: the media type of a DNS message. */
export const DNS_MESSAGE = 'application/dns-message';

/** The media type of a Content-Type header value, lower-cased, without parameters ('' when none). */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}
