/** Reading `perf script` samples of a Node server (bench/perf-samples.ts) and the bench:where report. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { breakdown, CLASS_ROWS, functionLabel, perQuery, topFunctions } from '../../../bench/perf-samples.js';
import { whereReport } from '../../../bench/where-report.js';

// Five samples as `perf script` prints them (stacks shortened below the event loop).
const EVENT_LOOP = [
  '\t         14bc51b uv__udp_io+0x17b (/usr/bin/node)',
  '\t         14ac8a7 uv_run+0x187 (/usr/bin/node)',
  '\t           2724a __libc_start_call_main+0x7a (/usr/lib/x86_64-linux-gnu/libc.so.6)',
];
const CALLBACK = [
  '\t    7fbf640b63bc JS:* file:///work/main/dist/src/listen/udp.js:39:24+0x13c (/tmp/perf-18173.map)',
  '\t    7fbf640b8317 JS:*onMessage node:dgram:945:19+0x317 (/tmp/perf-18173.map)',
  '\t         14ce0dc Builtins_JSEntryTrampoline+0x5c (/usr/bin/node)',
  '\t          9f313f node::UDPWrap::OnRecv+0x49f (/usr/bin/node)',
  ...EVENT_LOOP,
];
const sample = (frames: string[]) => ['node 18173 36229.235300:    1001001 cpu-clock:pppH: ', ...frames].join('\n');
const PERF_SCRIPT = [
  sample([
    '\t    7fbf640b90b6 JS:*renderEntry file:///work/main/dist/src/cache/entry-render.js:36:28+0xbf6 (/tmp/perf-18173.map)',
    '\t    7fbf640c3769 JS:*handle file:///work/main/dist/src/handlers/cache.js:113:15+0x729 (/tmp/perf-18173.map)',
    ...CALLBACK,
  ]),
  sample([
    '\t         14d0877 Builtins_BaselineOutOfLinePrologue+0x37 (/usr/bin/node)',
    '\t    7fbf640b88c8 JS:*renderEntry file:///work/main/dist/src/cache/entry-render.js:36:28+0x408 (/tmp/perf-18173.map)',
    ...CALLBACK,
  ]),
  sample([
    'ffffffff82203a31 _raw_spin_unlock_irq+0x11 ([kernel.kallsyms])',
    'ffffffff82046f66 udp_sendmsg+0x9e6 ([kernel.kallsyms])',
    '\t          10ac4d __libc_sendmsg+0x4d (/usr/lib/x86_64-linux-gnu/libc.so.6)',
    '\t          9f1a7e node::UDPWrap::Send+0x14e (/usr/bin/node)',
    '\t    7fbf640c4659 JS:*doSend node:dgram:687:16+0x319 (/tmp/perf-18173.map)',
    ...CALLBACK,
  ]),
  sample(['\t          e51fc0 v8::internal::TimerEventScope<v8::internal::TimerEventExecute>::LogTimerEvent+0x0 (/usr/bin/node)', ...EVENT_LOOP]),
  sample([
    'ffffffff821ef666 do_syscall_64+0x46 ([kernel.kallsyms])',
    '\t          10aae7 __libc_recvmsg+0x57 (/usr/lib/x86_64-linux-gnu/libc.so.6)',
    ...EVENT_LOOP,
  ]),
].join('\n\n');

describe('perf samples', () => {
  it('charges each sample to its innermost JavaScript owner and its leaf kind', () => {
    const b = breakdown(`${PERF_SCRIPT}\n\n`);
    assert.equal(b.total, 5);
    assert.deepEqual(Object.fromEntries(b.byClass), {
      'server/js': 1, 'server/native': 1, 'node/kernel': 1, 'none/native': 1, 'none/kernel': 1,
    });
    assert.deepEqual(Object.fromEntries(b.byFunction), { 'renderEntry src/cache/entry-render.js:36': 2 });
  });

  it("charges Node's C++ below a server frame to Node: dgram's send inlined into the caller", () => {
    const b = breakdown(sample([
      'ffffffff82046f66 udp_sendmsg+0x9e6 ([kernel.kallsyms])',
      '\t          10ac4d __libc_sendmsg+0x4d (/usr/lib/x86_64-linux-gnu/libc.so.6)',
      '\t          9f1a7e node::UDPWrap::Send+0x14e (/usr/bin/node)',
      '\t          9f45b5 node::UDPWrap::DoSend+0x405 (/usr/bin/node)',
      '\t         14d1546 Builtins_CallApiCallback+0x86 (/usr/bin/node)',
      '\t    7fbf640c3769 JS:*insert file:///work/main/dist/src/handlers/cache.js:82:9+0x729 (/tmp/perf-18173.map)',
      ...CALLBACK,
    ]) + '\n\n' + sample([
      '\t          c1fd10 v8::internal::Heap::AllocateRaw+0x10 (/usr/bin/node)',
      '\t    7fbf640c3769 JS:*insert file:///work/main/dist/src/handlers/cache.js:82:9+0x729 (/tmp/perf-18173.map)',
      ...CALLBACK,
    ]));
    assert.deepEqual(Object.fromEntries(b.byClass), { 'node/kernel': 1, 'server/native': 1 });
    assert.deepEqual(Object.fromEntries(b.byFunction), { 'insert src/handlers/cache.js:82': 1 });
  });

  it('names functions by name, file and line, anonymous ones too', () => {
    assert.equal(functionLabel('JS:*handle file:///work/main/dist/src/handlers/cache.js:113:15'), 'handle src/handlers/cache.js:113');
    assert.equal(functionLabel('JS:~#use file:///srv/fandns/dist/src/cache/store.js:107:9'), '#use src/cache/store.js:107');
    assert.equal(functionLabel('JS:* file:///work/main/dist/src/listen/udp.js:39:24'), '(anonymous) src/listen/udp.js:39');
  });

  it('scales shares to µs per query; the classes add up to the measured total', () => {
    const b = breakdown(PERF_SCRIPT);
    const q = perQuery(b, 10);
    assert.equal(q.get('server/js'), 2);
    assert.equal(q.get('node/js'), 0);
    const sum = CLASS_ROWS.reduce((s, { cls }) => s + q.get(cls)!, 0);
    assert.ok(Math.abs(sum - 10) < 1e-9);
    assert.deepEqual(topFunctions(b, 10, 5), [['renderEntry src/cache/entry-render.js:36', 4]]);
  });

  it('counts nothing in text without samples', () => {
    const b = breakdown('');
    assert.equal(b.total, 0);
    assert.equal(perQuery(b, 10).get('server/js'), 0);
  });

  it('reports each server, fandns minus its floor, and fandns functions', () => {
    const b = breakdown(PERF_SCRIPT);
    const floor = breakdown(sample(['\t    7f0000000001 JS:* file:///work/main/dist/bench/echo-server.js:17:27+0x10 (/tmp/perf-1.map)', ...EVENT_LOOP]));
    const text = whereReport({ title: 'cache hit (UDP)' }, 100_000, [
      { kind: 'echo', qps: 99_998, cpuUsPerQuery: 8, samples: floor },
      { kind: 'fandns', qps: 99_997, cpuUsPerQuery: 10, samples: b },
    ], 3);
    assert.match(text, /^## cache hit \(UDP\) at 100000 q\/s$/m);
    assert.match(text, /^\| µs per query \| echo \| fandns \| fandns − echo \|$/m);
    assert.match(text, /^\| server\/js: the server's JavaScript, self \| 8\.00 \| 2\.00 \| -6\.00 \|$/m);
    assert.match(text, /^\| \*\*total\*\* \(CPU time ÷ queries answered\) \| \*\*8\.00\*\* \| \*\*10\.00\*\* \| \*\*\+2\.00\*\* \|$/m);
    assert.match(text, /^- 4\.000 renderEntry src\/cache\/entry-render\.js:36$/m);
    assert.doesNotMatch(text, /server\/kernel/); // a class no server has is left out
  });
});
