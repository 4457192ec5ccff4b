/**
 * Reads `perf script` output (call-graph samples of a Node process run with --perf-basic-prof) and
 * says where its CPU went: each sample is charged to the innermost JavaScript function on its
 * stack, and to what kind of code it was in at the leaf. Pure: text in, shares out.
 *
 * The JavaScript owner tells whose decision the time was: the server's own code (and the builtins,
 * allocation and runtime calls it makes), Node's JavaScript (dgram's send path, and the kernel's send
 * below it), or no JavaScript at all (the event loop receiving datagrams, GC, other threads).
 * Node's C++ (`node::UDPWrap::Send`, `node::Buffer::…`) below a server frame counts as Node's too:
 * V8 often inlines dgram's `send` into its caller, and the sample then shows no Node frame in JS.
 */

/** Who the innermost JavaScript frame belongs to. */
export type Owner = 'server' | 'node' | 'none';

/** What the leaf frame is. */
export type Leaf = 'js' | 'native' | 'kernel';

/** A class of samples: an owner and a leaf kind. */
export type SampleClass = `${Owner}/${Leaf}`;

/** Sample counts by class, and by the server's own innermost function. */
export interface SampleBreakdown {
  readonly total: number;
  readonly byClass: ReadonlyMap<SampleClass, number>;
  /** Server functions (innermost own frame, "name file:line"), charged with everything below them. */
  readonly byFunction: ReadonlyMap<string, number>;
}

/** One frame line of `perf script`: `addr symbol+0xoff (dso)`. */
interface Frame {
  readonly symbol: string;
  readonly dso: string;
}

const FRAME = /^\s*[0-9a-f]+\s+(.*?)\s+\(([^()]*)\)\s*$/;

function parseFrame(line: string): Frame | null {
  const m = FRAME.exec(line);
  return m ? { symbol: m[1]!.replace(/\+0x[0-9a-f]+$/, ''), dso: m[2]! } : null;
}

/** A JIT frame from --perf-basic-prof: `JS:*name url:line:col` (the marker says which tier). */
const isJs = (f: Frame) => f.symbol.startsWith('JS:');
const isNodeJs = (f: Frame) => / node:/.test(f.symbol);
/** Node's own C++ (its bindings: UDPWrap, Buffer, fs), as opposed to V8's runtime and builtins. */
const isNodeNative = (f: Frame) => f.symbol.startsWith('node::');

/** Who owns a sample whose innermost JavaScript frame is `frames[js]` (-1: none). */
function ownerOf(frames: readonly Frame[], js: number): Owner {
  if (js < 0) return 'none';
  if (isNodeJs(frames[js]!)) return 'node';
  for (let i = 0; i < js; i++) if (isNodeNative(frames[i]!)) return 'node';
  return 'server';
}

function leafOf(f: Frame): Leaf {
  if (f.dso.startsWith('[kernel')) return 'kernel';
  return isJs(f) ? 'js' : 'native';
}

/** `name file:line` of a server frame, with the repository's `dist/` prefix dropped. */
export function functionLabel(symbol: string): string {
  const m = /^JS:\W?(\S*)\s+(\S+?)(?::\d+)?$/.exec(symbol);
  if (!m) return symbol;
  const where = m[2]!.replace(/^file:\/\/.*?\/dist\//, '');
  return `${m[1] || '(anonymous)'} ${where}`;
}

/** Splits `perf script` text into samples and classifies each. */
export function breakdown(text: string): SampleBreakdown {
  const byClass = new Map<SampleClass, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const block of text.split(/\n\s*\n/)) {
    const frames: Frame[] = [];
    for (const line of block.split('\n')) {
      const f = parseFrame(line);
      if (f) frames.push(f);
    }
    if (frames.length === 0) continue;
    total++;
    const at = frames.findIndex(isJs);
    const owner = ownerOf(frames, at);
    const cls: SampleClass = `${owner}/${leafOf(frames[0]!)}`;
    byClass.set(cls, (byClass.get(cls) ?? 0) + 1);
    if (owner === 'server') {
      const name = functionLabel(frames[at]!.symbol);
      byFunction.set(name, (byFunction.get(name) ?? 0) + 1);
    }
  }
  return { total, byClass, byFunction };
}

/** The classes in the order reports list them, with what each one means. */
export const CLASS_ROWS: readonly { readonly cls: SampleClass; readonly label: string }[] = [
  { cls: 'server/js', label: "the server's JavaScript, self" },
  { cls: 'server/native', label: 'called from it (builtins, allocation, V8 runtime)' },
  { cls: 'server/kernel', label: 'kernel under it (page faults)' },
  { cls: 'node/js', label: "Node's JavaScript (dgram, net, fs), self" },
  { cls: 'node/native', label: "Node's and V8's native code under it (send, write)" },
  { cls: 'node/kernel', label: 'kernel under it (sendmsg, write; waking the receiver)' },
  { cls: 'none/native', label: 'native, no JavaScript (receive path, GC, malloc, other threads)' },
  { cls: 'none/kernel', label: 'kernel, no JavaScript (recvmsg, epoll, softirq, wakeups)' },
];

/** µs per query of each class: its share of samples times the measured CPU µs per query. */
export function perQuery(b: SampleBreakdown, cpuUsPerQuery: number): Map<SampleClass, number> {
  const out = new Map<SampleClass, number>();
  for (const { cls } of CLASS_ROWS) out.set(cls, b.total ? ((b.byClass.get(cls) ?? 0) / b.total) * cpuUsPerQuery : 0);
  return out;
}

/** The `n` server functions with the most samples, in µs per query. */
export function topFunctions(b: SampleBreakdown, cpuUsPerQuery: number, n: number): [string, number][] {
  return [...b.byFunction.entries()]
    .sort((x, y) => y[1] - x[1])
    .slice(0, n)
    .map(([name, count]) => [name, b.total ? (count / b.total) * cpuUsPerQuery : 0]);
}
