/**
 * @module core/walk/segment-spec
 * The `--segment` syntax: `WHO:FLAGS[,seq=N][,ack=N][,len=N][,win=N]`, e.g.
 * `server:PSH+ACK,seq=200001,len=1448`. WHO is `client` or `server`; FLAGS are TCP flag
 * names joined by `+`; seq and ack are relative, as tcpdump prints them (the SYN is 0).
 */
import { KpathError } from '../errors.js'
import { TCP_FLAG_NAMES, type TcpFlag } from '../model/packet.js'
import type { SegmentSpec } from './types.js'

const FIELDS = { seq: 'seq', ack: 'ack', len: 'payload', win: 'window' } as const

function bad(text: string, message: string): KpathError {
  return new KpathError('KPATH_INVALID_ARGUMENT', `--segment ${text}: ${message}`, {
    hint: 'WHO:FLAGS[,seq=N][,ack=N][,len=N][,win=N], e.g. server:PSH+ACK,seq=200001,len=1448',
  })
}

function flagsOf(text: string, part: string): TcpFlag[] {
  return part.split('+').map((f) => {
    const name = f.toUpperCase()
    if (!(TCP_FLAG_NAMES as readonly string[]).includes(name))
      throw bad(text, `unknown TCP flag ${f} (${TCP_FLAG_NAMES.join(', ')})`)
    return name as TcpFlag
  })
}

/**
 * @example
 * parseSegmentSpec('server:PSH+ACK,seq=200001,len=1448')
 * // → { from: 'server', flags: ['PSH', 'ACK'], seq: 200001, payload: 1448 }
 * @throws KpathError KPATH_INVALID_ARGUMENT naming the bad part
 */
export function parseSegmentSpec(text: string): SegmentSpec {
  const m = /^(client|server):([A-Za-z+]+)((?:,[a-z]+=\d+)*)$/.exec(text.trim())
  if (m === null) throw bad(text, 'cannot read it')
  const out: { -readonly [K in keyof SegmentSpec]: SegmentSpec[K] } = {
    from: m[1] === 'client' ? 'client' : 'server',
    flags: flagsOf(text, m[2] ?? ''),
  }
  for (const kv of (m[3] ?? '').split(',').filter(Boolean)) {
    const [key = '', value = ''] = kv.split('=')
    const field = (FIELDS as Record<string, keyof typeof out | undefined>)[key]
    const n = Number(value)
    if (field === undefined) throw bad(text, `unknown field ${key} (seq, ack, len, win)`)
    if (n > (field === 'window' ? 0xffff : 0xffffffff))
      throw bad(text, `${key}=${value} is too big`)
    Object.assign(out, { [field]: n })
  }
  return out
}

/**
 * The spec back in `--segment` syntax: flags in their order, then seq, ack, len and win
 * (left-out fields stay out), so that parseSegmentSpec reads it back unchanged.
 *
 * @example
 * formatSegmentSpec({ from: 'server', flags: ['PSH', 'ACK'], seq: 200001, payload: 1448 })
 * // → 'server:PSH+ACK,seq=200001,len=1448'
 */
export function formatSegmentSpec(s: SegmentSpec): string {
  const fields = Object.entries(FIELDS).flatMap(([key, field]) => {
    const v = s[field]
    return v === undefined ? [] : [`,${key}=${v}`]
  })
  return `${s.from}:${s.flags.join('+')}${fields.join('')}`
}
