/**
 * Directive rows for local data: aliases, host and resource records, synth-domain ranges,
 * interface names and dynamic hosts (and localise-queries for them), hosts
 * files and the local domain (reference §6.7). Part of the table in directives.ts.
 */
import { asWritten as v, unquoted as u, type Directive } from './directive-kit.js';
import { parseCaaRecord, parseDnsRr, parseNaptrRecord } from './extra-records.js';
import { splitFields } from './lexer.js';
import { localName, parseCname, parseHostRecord, parseMxHost, parsePtrRecord, parseSrvHost, parseTxtRecord } from './local-records.js';
import { parseDynamicHost, parseInterfaceName } from './interface-names.js';
import { parseSynthDomain } from './synth-domain.js';

/** The local-data rows, in --help order. */
export const LOCAL_DATA_DIRECTIVES: readonly Directive[] = [
  { name: 'cname', arg: 'value', repeat: 'list', hint: '<alias>[,<alias>…],<target>[,<ttl>]',
    describe: 'Alias: CNAME to target, and the target resolved through the normal rules (local data, cache, upstream).',
    apply: (b, val, o) => { b.cnames.push(...parseCname(v(val), o)); } },
  { name: 'host-record', arg: 'value', repeat: 'list', hint: '<name>[,<name>…],[<ipv4>],[<ipv6>][,<ttl>]',
    describe: 'A/AAAA records for names, and PTR records for the addresses.',
    apply: (b, val, o) => { b.localRecords.push(...parseHostRecord(v(val), o)); } },
  { name: 'txt-record', short: 'Y', arg: 'value', repeat: 'list', hint: '<name>[,<text>…]',
    describe: 'A TXT record.', apply: (b, val, o) => { b.localRecords.push(...parseTxtRecord(v(val), o)); } },
  { name: 'ptr-record', arg: 'value', repeat: 'list', hint: '<name>[,<target>]',
    describe: 'A PTR record.', apply: (b, val, o) => { b.localRecords.push(...parsePtrRecord(v(val), o)); } },
  { name: 'srv-host', short: 'W', arg: 'value', repeat: 'list', hint: '<_service>.<_proto>.<domain>[,<target>[,<port>[,<prio>[,<weight>]]]]',
    describe: 'An SRV record.', apply: (b, val, o) => { b.localRecords.push(...parseSrvHost(v(val), o)); } },
  { name: 'mx-host', short: 'm', arg: 'value', repeat: 'list', hint: '<name>[[,<target>],<preference>]',
    describe: 'An MX record; without a target it points at mx-target (default: this machine\'s host name).',
    apply: (b, val, o) => { b.mxHosts.push(parseMxHost(v(val), o)); } },
  { name: 'mx-target', short: 't', arg: 'value', repeat: 'single', hint: '<hostname>',
    describe: 'The default target of MX records (mx-host without a target, localmx); this machine\'s host name gets an MX record pointing at it too.',
    apply: (b, val, o) => { b.mxTarget = localName(u(val), o, 'mx-target'); } },
  { name: 'localmx', short: 'L', arg: 'flag', repeat: 'single',
    describe: 'An MX record pointing at mx-target (default: this machine\'s host name) for every name from hosts files and host-record.',
    apply: (b) => { b.localmx = true; } },
  { name: 'selfmx', short: 'e', arg: 'flag', repeat: 'single',
    describe: 'An MX record pointing at itself for every name from hosts files and host-record.',
    apply: (b) => { b.selfmx = true; } },
  { name: 'naptr-record', arg: 'value', repeat: 'list', hint: '<name>,<order>,<preference>,<flags>,<service>,<regexp>[,<replacement>]',
    describe: 'A NAPTR record.', apply: (b, val, o) => { b.localRecords.push(...parseNaptrRecord(v(val), o)); } },
  { name: 'caa-record', arg: 'value', repeat: 'list', hint: '<name>,<flags>,<tag>,<value>',
    describe: 'A CAA record.', apply: (b, val, o) => { b.localRecords.push(...parseCaaRecord(v(val), o)); } },
  { name: 'dns-rr', arg: 'value', repeat: 'list', hint: '<name>,<RR-number>[,<hex data>]',
    describe: 'A record of any type, its data in hex.', apply: (b, val, o) => { b.localRecords.push(...parseDnsRr(v(val), o)); } },
  { name: 'synth-domain', arg: 'value', repeat: 'list', hint: '<domain>,<address range>[,<prefix>[*]]',
    describe: 'A/AAAA and PTR records for every address of a range (<start>[,<end>] or <address>/<length>): <prefix><address with - for . or :>.<domain>, or <prefix><index>.<domain> when the prefix ends in *.',
    apply: (b, val, o) => { b.synthDomains.push(parseSynthDomain(v(val), o)); } },
  { name: 'interface-name', arg: 'value', repeat: 'list', hint: '<name>,<interface>[/4|/6]',
    describe: 'A/AAAA records for a name from the current addresses of an interface (only IPv4 or IPv6 ones with /4 or /6), and PTR records back.',
    apply: (b, val, o) => { b.interfaceHosts.push(parseInterfaceName(v(val), o)); } },
  { name: 'dynamic-host', arg: 'value', repeat: 'list', hint: '<name>,[<IPv4>],[<IPv6>],<interface>',
    describe: "A/AAAA and PTR records, TTL 0, for each address of an interface with its host part replaced by the given address's.",
    apply: (b, val, o) => { b.interfaceHosts.push(parseDynamicHost(v(val), o)); } },
  { name: 'localise-queries', short: 'y', arg: 'flag', repeat: 'single',
    describe: 'A name from hosts files, interface-name or dynamic-host with IPv4 addresses in the subnet of the address a query was sent to gets only those.',
    apply: (b) => { b.localiseQueries = true; } },
  { name: 'no-hosts', short: 'h', arg: 'flag', repeat: 'single',
    describe: 'Do not read /etc/hosts.', apply: (b) => { b.noHosts = true; } },
  { name: 'addn-hosts', short: 'H', arg: 'value', repeat: 'list', hint: '<file|dir>',
    describe: 'Read another hosts file, or every file in a directory (re-read on SIGHUP).',
    apply: (b, val) => { b.addnHosts.push(u(val)); } },
  { name: 'hostsdir', arg: 'value', repeat: 'list', hint: '<dir>',
    describe: 'Read every hosts file in this directory, and read them again whenever one is written, added, renamed or removed.',
    apply: (b, val) => { b.hostsDirs.push(u(val)); } },
  { name: 'expand-hosts', short: 'E', arg: 'flag', repeat: 'single',
    describe: 'Add the domain= suffix to plain names in hosts files.', apply: (b) => { b.expandHosts = true; } },
  { name: 'domain', short: 's', arg: 'value', repeat: 'single', hint: '<domain>',
    describe: 'The local domain (used by expand-hosts).',
    apply: (b, val, o) => { b.domain = localName(splitFields(v(val))[0] ?? '', o, 'domain'); } },
  { name: 'no-ident', arg: 'flag', repeat: 'single',
    describe: 'Do not answer CHAOS TXT version.bind, hits.bind and the other statistics names.',
    apply: (b) => { b.noIdent = true; } },
];
