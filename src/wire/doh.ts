/**
 * The media type DNS over HTTPS carries a DNS message as (RFC 8484 §6), and the check of a
 * Content-Type header against it (parameters and case ignored, RFC 9110 §8.3.1). Pure; used by
 * the DoH listener and the DoH upstream transport alike.
 */

/** RFC 8484 §6: the media type of a DNS message. */
export const DNS_MESSAGE = 'application/dns-message';

/** The media type of a Content-Type header value, lower-cased, without parameters ('' when none). */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}
