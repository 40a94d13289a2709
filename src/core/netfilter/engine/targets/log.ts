/**
 * @module core/netfilter/engine/targets/log
 * LOG, NFLOG and TRACE. They continue the walk; the engine records the line the kernel would
 * log (nf_log_ip_packet's field order, abridged to the fields a trace can know).
 */
import { protoName } from '../../../model/packet.js'
import type { Rule, XtTarget } from '../../rule.js'
import type { TargetResult } from '../compiled.js'
import { Opts } from '../matches/options.js'
import type { PacketState } from '../state.js'

export function kernelLogLine(s: PacketState, prefix: string): string {
  const p = s.pkt
  const parts = [`${prefix}IN=${p.inIface ?? ''} OUT=${p.outIface ?? ''}`]
  if (p.physIn) parts.push(`PHYSIN=${p.physIn}`)
  if (p.physOut) parts.push(`PHYSOUT=${p.physOut}`)
  parts.push(`SRC=${p.src} DST=${p.dst} LEN=${p.length} TTL=${p.ttl}`)
  parts.push(`PROTO=${protoName(p.proto).toUpperCase()}`)
  if (p.sport !== undefined) parts.push(`SPT=${p.sport} DPT=${p.dport}`)
  if (p.icmpType !== undefined) parts.push(`TYPE=${p.icmpType} CODE=${p.icmpCode ?? 0}`)
  if (p.tcpFlags) parts.push(p.tcpFlags.join(' '))
  if (p.mark) parts.push(`MARK=0x${p.mark.toString(16)}`)
  return parts.join(' ')
}

export function compileLogTarget(t: XtTarget, rule: Rule): (s: PacketState) => TargetResult {
  const o = new Opts(t.name, t.options, rule)
  const prefix = o.value(t.name === 'NFLOG' ? '--nflog-prefix' : '--log-prefix') ?? ''
  const group = o.value('--nflog-group') ?? '0'
  return (s) => {
    const where =
      t.name === 'NFLOG'
        ? `NFLOG group ${group}: `
        : t.name === 'TRACE'
          ? 'TRACE enabled: '
          : 'LOG: '
    s.events.push({ kind: 'log', text: `${where}${kernelLogLine(s, prefix)}` })
    return { kind: 'continue' }
  }
}
