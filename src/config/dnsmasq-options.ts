/**
 * Every long option of dnsmasq 2.90 (from `dnsmasq --help`). An option here that fandns does not
 * implement loads with a warning naming file:line (DHCP, TFTP, RA, DNSSEC validation…), so an
 * existing dnsmasq config keeps working; anything in neither list is an error.
 */
export const DNSMASQ_OPTIONS: readonly string[] = `
add-cpe-id add-mac add-subnet addn-hosts address alias all-servers auth-peer auth-sec-servers
auth-server auth-soa auth-ttl auth-zone bind-dynamic bind-interfaces bogus-nxdomain bogus-priv
bootp-dynamic bridge-interface caa-record cache-rr cache-size clear-on-reload cname conf-dir
conf-file conf-script connmark-allowlist connmark-allowlist-enable conntrack dhcp-alternate-port
dhcp-authoritative dhcp-boot dhcp-broadcast dhcp-circuitid dhcp-client-update dhcp-duid dhcp-fqdn
dhcp-generate-names dhcp-host dhcp-hostsdir dhcp-hostsfile dhcp-ignore dhcp-ignore-clid
dhcp-ignore-names dhcp-lease-max dhcp-leasefile dhcp-luascript dhcp-mac dhcp-match
dhcp-name-match dhcp-no-override dhcp-option dhcp-option-force dhcp-optsdir dhcp-optsfile
dhcp-proxy dhcp-pxe-vendor dhcp-range dhcp-rapid-commit dhcp-relay dhcp-remoteid
dhcp-reply-delay dhcp-script dhcp-scriptuser dhcp-sequential-ip dhcp-subscrid dhcp-ttl
dhcp-userclass dhcp-vendorclass dns-forward-max dns-loop-detect dns-rr dnssec
dnssec-check-unsigned dnssec-debug dnssec-limits dnssec-no-timecheck dnssec-timestamp domain
domain-needed dumpfile dumpmask dynamic-host edns-packet-max enable-dbus enable-ra enable-tftp
enable-ubus except-interface expand-hosts fast-dns-retry filter-A filter-AAAA filter-rr
filterwin2k group help host-record hostsdir ignore-address interface interface-name ipset
keep-in-foreground leasefile-ro listen-address local local-service local-ttl localise-queries
localmx log-async log-debug log-dhcp log-facility log-queries max-cache-ttl max-port
max-tcp-connections max-ttl min-cache-ttl min-port mx-host mx-target naptr-record neg-ttl nftset
no-daemon no-dhcp-interface no-dhcpv4-interface no-dhcpv6-interface no-hosts no-ident
no-negcache no-ping no-poll no-resolv no-round-robin pid-file port port-limit proxy-dnssec
ptr-record pxe-prompt pxe-service query-port quiet-dhcp quiet-dhcp6 quiet-ra quiet-tftp ra-param
read-ethers rebind-domain-ok rebind-localhost-ok resolv-file rev-server script-arp
script-on-renewal selfmx server servers-file shared-network srv-host stop-dns-rebind strict-order
strip-mac strip-subnet synth-domain tag-if test tftp-lowercase tftp-max tftp-mtu
tftp-no-blocksize tftp-no-fail tftp-port-range tftp-root tftp-secure tftp-single-port
tftp-unique-root trust-anchor txt-record umbrella use-stale-cache user version
`.trim().split(/\s+/);

const known = new Set(DNSMASQ_OPTIONS);

/** True for any dnsmasq 2.90 long option name. */
export function isDnsmasqOption(name: string): boolean {
  return known.has(name);
}

/** Edit distance, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest name in `candidates` to `name`, if reasonably close. */
export function nearest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    const d = distance(lower, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}
