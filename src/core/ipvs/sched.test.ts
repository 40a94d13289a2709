/** The schedulers against the kernel's algorithms (net/netfilter/ipvs/ip_vs_{rr,wrr,lc,wlc,sed,nq,sh,fo,ovf}.c). */
import { describe, expect, it } from 'vitest'
import type { IpvsScheduler, IpvsService } from './model.js'
import { advance, type DestView, type SchedPosition, schedule } from './sched.js'

function svc(
  scheduler: IpvsScheduler,
  weights: number[],
  flags: IpvsService['schedFlags'] = [],
): IpvsService {
  return {
    key: { kind: 'addr', protocol: 'tcp', family: 4, address: '10.96.0.1', port: 80 },
    scheduler,
    schedFlags: flags,
    destinations: weights.map((weight, i) => ({
      address: `10.0.0.${i + 1}`,
      port: 80,
      weight,
      forward: 'masq',
    })),
  }
}
const views = (s: IpvsService, conns: [number, number][] = []): DestView[] =>
  s.destinations.map((dest, i) => ({ dest, active: conns[i]?.[0] ?? 0, inact: conns[i]?.[1] ?? 0 }))

/** Run a deterministic scheduler `n` times from the list head. */
function sequence(s: IpvsService, n: number): number[] {
  const v = views(s)
  let pos: SchedPosition | undefined = { last: -1 }
  const out: number[] = []
  for (let k = 0; k < n; k++) {
    const c = schedule(s, v, pos)
    expect(c).toHaveLength(1)
    const i = c[0]?.index ?? -1
    out.push(i)
    pos = advance(s, v, pos, i)
  }
  return out
}

describe('IPVS schedulers', () => {
  it('rr: round robin from the list head, skipping weight 0; unknown pointer: equal branches', () => {
    const s = svc('rr', [1, 0, 5, 1])
    expect(sequence(s, 5)).toEqual([0, 2, 3, 0, 2])
    expect(schedule(s, views(s), undefined)).toEqual([
      { index: 0, p: 1 / 3 },
      { index: 2, p: 1 / 3 },
      { index: 3, p: 1 / 3 },
    ])
    expect(schedule(svc('rr', [0, 0]), views(svc('rr', [0, 0])), { last: -1 })).toEqual([])
  })

  it('wrr: the kernel sequence for weights 3,1 and 4,3,2 (gcd steps of the current weight)', () => {
    expect(sequence(svc('wrr', [3, 1]), 8)).toEqual([0, 0, 0, 1, 0, 0, 0, 1])
    // cw 4: a; 3: a b; 2: a b c; 1: a b c → a a b a b c a b c
    expect(sequence(svc('wrr', [4, 3, 2]), 9)).toEqual([0, 0, 1, 0, 1, 2, 0, 1, 2])
    const s = svc('wrr', [3, 1, 0])
    expect(schedule(s, views(s), undefined)).toEqual([
      { index: 0, p: 0.75 },
      { index: 1, p: 0.25 },
    ])
  })

  it('lc and wlc: least (active×256 + inactive), wlc per weight; ties to the first', () => {
    const lc = svc('lc', [1, 1, 1])
    expect(
      schedule(
        lc,
        views(lc, [
          [1, 0],
          [0, 300],
          [0, 10],
        ]),
        undefined,
      ),
    ).toEqual([{ index: 2, p: 1 }])
    const wlc = svc('wlc', [1, 4, 0])
    // overheads 256 and 768: per weight 256 > 192, so the weight-4 server wins; weight 0 never.
    expect(
      schedule(
        wlc,
        views(wlc, [
          [1, 0],
          [3, 0],
          [0, 0],
        ]),
        undefined,
      ),
    ).toEqual([{ index: 1, p: 1 }])
    expect(schedule(wlc, views(wlc), undefined)).toEqual([{ index: 0, p: 1 }])
  })

  it('sed and nq: (active + 1) / weight; nq takes an idle server at once', () => {
    const sed = svc('sed', [1, 3])
    expect(
      schedule(
        sed,
        views(sed, [
          [0, 0],
          [2, 0],
        ]),
        undefined,
      ),
    ).toEqual([{ index: 0, p: 1 }])
    expect(
      schedule(
        sed,
        views(sed, [
          [1, 0],
          [2, 0],
        ]),
        undefined,
      ),
    ).toEqual([{ index: 1, p: 1 }])
    const nq = svc('nq', [1, 100])
    expect(
      schedule(
        nq,
        views(nq, [
          [0, 5],
          [1, 0],
        ]),
        undefined,
      ),
    ).toEqual([{ index: 0, p: 1 }])
  })

  it('sh: 256 buckets shared by weight; a weight-0 server keeps one bucket and loses it without sh-fallback', () => {
    const s = svc('sh', [1, 3])
    expect(schedule(s, views(s), undefined)).toEqual([
      { index: 0, p: 64 / 256 },
      { index: 1, p: 192 / 256 },
    ])
    const drained = svc('sh', [0, 1])
    const c = schedule(drained, views(drained), undefined)
    expect(c).toEqual([
      { index: 1, p: 128 / 256 },
      { index: -1, p: 128 / 256 },
    ])
    const fb = svc('sh', [0, 1], ['sh-fallback'])
    expect(schedule(fb, views(fb), undefined)).toEqual([{ index: 1, p: 1 }])
  })

  it('fo and ovf: highest weight (ovf: with fewer active connections than its weight)', () => {
    const fo = svc('fo', [2, 5, 5])
    expect(schedule(fo, views(fo), undefined)).toEqual([{ index: 1, p: 1 }])
    const ovf = svc('ovf', [2, 5])
    expect(
      schedule(
        ovf,
        views(ovf, [
          [0, 0],
          [5, 0],
        ]),
        undefined,
      ),
    ).toEqual([{ index: 0, p: 1 }])
  })

  it('an upper threshold reached makes a server unavailable (IP_VS_DEST_F_OVERLOAD)', () => {
    const s = svc('rr', [1, 1])
    const v = views(s, [
      [2, 1],
      [0, 0],
    ]).map((x, i) => (i === 0 ? { ...x, dest: { ...x.dest, upperThreshold: 3 } } : x))
    expect(schedule(s, v, { last: -1 })).toEqual([{ index: 1, p: 1 }])
  })

  it('refuses the schedulers kpath does not model', () => {
    const s = svc('lblc', [1])
    expect(() => schedule(s, views(s), undefined)).toThrow(
      expect.objectContaining({ code: 'KPATH_UNSUPPORTED' }),
    )
  })
})
