/**
 * @module core/app/trace-mermaid
 * `kpath trace --format mermaid`: a Mermaid sequence diagram of the hops. Participants are the
 * namespaces in the order the packets meet them; an arrow is a packet crossing from one
 * namespace to the next (solid for the request, dashed for the reply), labelled with the
 * devices and the packet as it left; notes carry NAT, tunnel and the outcome. With
 * `--segment`, each segment after the handshake follows (dashed when the server sends it). Paste it into any
 * Mermaid renderer (GitHub renders ```mermaid blocks).
 */
import type { ClusterBranch, Hop, Walk } from '../walk/index.js'
import {
  kindOf,
  type OfState,
  outcomeText,
  type PacketKind,
  replyKind,
  tcpdumpLine,
  whoIs,
} from './cluster-trace-text.js'
import type { TraceData } from './trace-pcapng.js'
import { resetKind, segmentKind, segmentTitle } from './trace-tcp.js'

/** Mermaid ends a statement at `;` and reads `#…;` as an entity: write both as entities. */
function esc(s: string): string {
  return s.replace(/[;#]/g, (ch) => `#${ch.charCodeAt(0)};`)
}

class Diagram {
  private readonly ids = new Map<string, string>()
  readonly body: string[] = []

  constructor(private readonly r: OfState) {}

  id(netns: string): string {
    let id = this.ids.get(netns)
    if (id === undefined) {
      id = `N${this.ids.size + 1}`
      this.ids.set(netns, id)
    }
    return id
  }

  participants(): string[] {
    return [...this.ids].map(([netns, id]) => {
      const who = whoIs(this.r, netns)
      return `  participant ${id} as ${esc(who === netns ? netns : `${who} (${netns})`)}`
    })
  }

  note(netns: string, text: string): void {
    this.body.push(`  Note over ${this.id(netns)}: ${esc(text)}`)
  }
}

/** The NAT and verdict lines worth a note (the rest is in the text view). */
function notable(h: Hop): string[] {
  const nat = h.netfilter.filter((l) => l.startsWith('nat(') || l.startsWith('verdict'))
  return [...nat, ...(h.encap ? [`${h.kind}: ${h.encap}`] : [])]
}

/**
 * One walk's arrows and notes; `reply` (dashed arrows) for packets going back towards the
 * client, `what` names the walk in its first note (`send`, `reply`, a segment).
 */
function walk(d: Diagram, w: Walk, k: PacketKind, reply: boolean, r: OfState, what?: string): void {
  let prev: Hop | undefined
  for (const h of w.hops) {
    if (prev === undefined)
      d.note(h.netns, `${what ?? (reply ? 'reply' : 'send')}: ${tcpdumpLine(h.packet, k)}`)
    else if (prev.netns !== h.netns) {
      const devs = `${prev.outIface ?? '?'} → ${h.inIface ?? '?'}`
      const arrow = reply ? '-->>' : '->>'
      const label = esc(`${devs}: ${tcpdumpLine(prev.packet, k)}`)
      d.body.push(`  ${d.id(prev.netns)}${arrow}${d.id(h.netns)}: ${label}`)
    }
    for (const n of notable(h)) d.note(h.netns, n)
    prev = h
  }
  if (prev !== undefined) d.note(prev.netns, `=> ${outcomeText(w.outcome, r)}`)
}

/** `--segment`: the handshake's ACK and each segment, server segments dashed; their RSTs. */
function segments(d: Diagram, b: ClusterBranch, r: OfState): void {
  b.segments?.forEach((s, i) => {
    const server = s.spec.from === 'server'
    walk(d, s, segmentKind(s), server, r, segmentTitle(s, i))
    const rst = resetKind(s)
    if (s.reset && rst) walk(d, s.reset, rst, !server, r, 'RST answering it')
  })
}

/**
 * @example
 * traceMermaid(traceBetween({ inputs, from: 'node/alpha', to: 'svc/default/web' }))
 * // 'sequenceDiagram\n  participant N1 as node alpha (node-alpha)\n …'
 */
export function traceMermaid(r: TraceData): string {
  const d = new Diagram(r)
  const n = r.trace.branches.length
  r.trace.branches.forEach((b, i) => {
    const first = b.hops[0]
    if (first !== undefined)
      d.note(first.netns, `branch ${i + 1} of ${n}, probability ${b.probability.toFixed(6)}`)
    walk(d, b, kindOf(r.packet), false, r)
    if (b.reply) walk(d, b.reply, replyKind(r.packet, b), true, r)
    segments(d, b, r)
  })
  return `${['sequenceDiagram', ...d.participants(), ...d.body].join('\n')}\n`
}
