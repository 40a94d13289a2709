/**
 * @module core/lab/observe
 * What a probe saw in the kernel, in the vocabulary of a trace's {@link Outcome}: the answer
 * line of the lab's echo server (servers/labd.py) becomes a `delivered` outcome with the
 * answering pod's namespace, the source the server saw and the TTL the request arrived with;
 * a connection refused becomes `refused`; silence or an ICMP error becomes `unanswered`.
 */
import type { Outcome } from '../walk/types.js'

type Delivered = Extract<Outcome, { kind: 'delivered' }>

/** A delivered outcome as a probe knows it (ICMP answers carry no arrival TTL). */
export type ObservedOutcome =
  | (Omit<Delivered, 'ttlAtArrival'> & { readonly pod?: string; readonly ttlAtArrival?: number })
  | { readonly kind: 'refused'; readonly port: number | undefined }
  | { readonly kind: 'unanswered'; readonly error: string }

/** One attempt of `probe.py`, as it printed it. */
export interface ProbeAttempt {
  readonly answer?: string
  readonly error?: string
  readonly local?: string | null
  readonly replyTtl?: number | null
}

export interface EchoAnswer {
  readonly pod: string
  readonly port: number
  readonly src: string
  readonly sport: number
  readonly ttl: number | undefined
}

const ECHO = /^pod=(\S+) port=(\d+) saw=([\d.]+):(\d+) ttl=(\d+|None)$/
const ICMP = /^icmp from=([\d.]+)$/

/** `pod=NS/NAME port=P saw=IP:PORT ttl=N` (servers/labd.py). */
export function parseEchoAnswer(line: string): EchoAnswer | undefined {
  const m = ECHO.exec(line.trim())
  if (m === null) return undefined
  const [, pod = '', port = '', src = '', sport = '', ttl = ''] = m
  return {
    pod,
    port: Number(port),
    src,
    sport: Number(sport),
    ttl: ttl === 'None' ? undefined : Number(ttl),
  }
}

export interface ObserveContext {
  /** The emulator namespace serving a pod's port (`ns/name` + port + proto). */
  readonly listenerNetns: (pod: string, port: number) => string | undefined
  /** The emulator namespace owning an address (for ICMP answers). */
  readonly ownerOf: (addr: string) => string | undefined
  readonly port: number | undefined
}

/** A probe attempt as an outcome. */
export function observedOutcome(a: ProbeAttempt, ctx: ObserveContext): ObservedOutcome {
  if (a.answer === undefined) {
    const error = a.error ?? 'no answer'
    return error === 'refused' ? { kind: 'refused', port: ctx.port } : { kind: 'unanswered', error }
  }
  const icmp = ICMP.exec(a.answer)
  if (icmp !== null) {
    const src = icmp[1] ?? ''
    return {
      kind: 'delivered',
      netns: ctx.ownerOf(src) ?? src,
      port: undefined,
      serverSaw: { src: '?', sport: undefined },
    }
  }
  const e = parseEchoAnswer(a.answer)
  if (e === undefined) return { kind: 'unanswered', error: `unreadable answer: ${a.answer}` }
  return {
    kind: 'delivered',
    netns: ctx.listenerNetns(e.pod, e.port) ?? e.pod,
    pod: e.pod,
    port: e.port,
    serverSaw: { src: e.src, sport: e.sport },
    ...(e.ttl === undefined ? {} : { ttlAtArrival: e.ttl }),
  }
}
