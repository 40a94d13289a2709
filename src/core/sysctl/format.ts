/**
 * @module core/sysctl/format
 * What `sysctl -a` (procps-ng 4.0.2) prints, `name = value` per line, parsed and printed back
 * byte for byte. Values are kept as the text the kernel gives: several are tab-separated
 * (`net.ipv4.ip_local_port_range = 32768\t60999`) and some are empty (`name = `, with the
 * space). In names, `/` stands for a `.` inside one component (`net.ipv4.conf.flannel/1.…`
 * is the directory of link `flannel.1`).
 */
import { isKpathError, parseError } from '../errors.js'

export interface SysctlEntry {
  readonly name: string
  readonly value: string
}

export interface SysctlParseOptions {
  readonly file?: string
}

const LINE = /^([A-Za-z0-9_][A-Za-z0-9_./:@+-]*) = (.*)$/

/**
 * @example
 * parseSysctlA('net.ipv4.ip_forward = 1\n') // [{ name: 'net.ipv4.ip_forward', value: '1' }]
 */
export function parseSysctlA(text: string, options: SysctlParseOptions = {}): SysctlEntry[] {
  try {
    return parseLines(text)
  } catch (e) {
    if (options.file !== undefined && isKpathError(e)) throw e.inFile(options.file)
    throw e
  }
}

function parseLines(text: string): SysctlEntry[] {
  const lines = text.split('\n')
  const last = lines.pop()
  if (last !== '') {
    throw parseError(
      'the listing does not end with a newline (truncated?)',
      lines.length + 1,
      (last ?? '').length + 1,
      last ?? '',
    )
  }
  const seen = new Set<string>()
  return lines.map((line, i) => {
    const m = LINE.exec(line)
    if (!m) {
      const eq = line.indexOf(' = ')
      throw parseError(
        eq < 0 ? 'expected "name = value"' : `"${line.slice(0, eq)}" is not a sysctl name`,
        i + 1,
        eq < 0 ? 1 : 1,
        line,
        'sysctl -a prints one "name = value" per line; its errors go to stderr',
      )
    }
    const name = m[1] ?? ''
    if (seen.has(name)) throw parseError(`${name} is listed twice`, i + 1, 1, line)
    seen.add(name)
    return { name, value: m[2] ?? '' }
  })
}

export function printSysctlA(entries: readonly SysctlEntry[]): string {
  return entries.map((e) => `${e.name} = ${e.value}\n`).join('')
}

/** The model's `sysctls` record: the `net.*` entries (the others are not per namespace). */
export function netSysctls(entries: readonly SysctlEntry[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const e of entries) if (e.name.startsWith('net.')) out[e.name] = e.value
  return out
}

/** Component-wise byte order, as `sysctl -a` walks /proc/sys (one sorted directory at a time). */
export function sysctlCompare(a: string, b: string): number {
  const pa = a.split('.')
  const pb = b.split('.')
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] ?? ''
    const y = pb[i] ?? ''
    if (x !== y) return x < y ? -1 : 1
  }
  return pa.length - pb.length
}

const PER_LINK = /^(net\.ipv[46]\.(?:conf|neigh)\.)(.+)(\.[^.]+)$/

/**
 * A model key as `sysctl -a` names it: a per-link key may spell a dotted link name with dots
 * (`net.ipv4.conf.flannel.1.rp_filter`, as the cluster renderer writes it), but procps lists
 * the directory `flannel.1` as `flannel/1` (checked with procps-ng 4.0.2 in a lab namespace).
 */
export function sysctlListName(key: string): string {
  const m = PER_LINK.exec(key)
  return m === null ? key : `${m[1]}${sysctlIface(m[2] ?? '')}${m[3]}`
}

/**
 * `sysctl -a` for a model's record, in the order sysctl walks the tree. When a key is held in
 * both spellings, the listed (`flannel/1`) one wins: it is the one the emulator reads
 * (sysctl/effective.ts, route/conf.ts).
 */
export function printModelSysctls(sysctls: Readonly<Record<string, string>>): string {
  const byName = new Map<string, string>()
  for (const [key, value] of Object.entries(sysctls)) {
    const name = sysctlListName(key)
    if (name === key || !byName.has(name)) byName.set(name, value)
  }
  const names = [...byName.keys()].sort(sysctlCompare)
  return printSysctlA(names.map((name) => ({ name, value: byName.get(name) ?? '' })))
}

/** The sysctl directory name of a link: dots inside the name print as `/`. */
export function sysctlIface(link: string): string {
  return link.replaceAll('.', '/')
}
