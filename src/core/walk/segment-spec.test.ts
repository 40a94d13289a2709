/** The `--segment` syntax: what it accepts, and located refusals of what it does not. */
import { describe, expect, it } from 'vitest'
import { formatSegmentSpec, parseSegmentSpec } from './segment-spec.js'

describe('parseSegmentSpec', () => {
  it('reads who, flags and the relative numbers', () => {
    expect(parseSegmentSpec('server:PSH+ACK,seq=200001,len=1398')).toEqual({
      from: 'server',
      flags: ['PSH', 'ACK'],
      seq: 200001,
      payload: 1398,
    })
    expect(parseSegmentSpec('client:fin+ack,ack=1,win=0')).toEqual({
      from: 'client',
      flags: ['FIN', 'ACK'],
      ack: 1,
      window: 0,
    })
  })

  it('refuses unknown sides, flags, fields and numbers out of range', () => {
    expect(() => parseSegmentSpec('peer:ACK')).toThrow(/cannot read it/)
    expect(() => parseSegmentSpec('server:ACK+NOPE')).toThrow(/unknown TCP flag NOPE/)
    expect(() => parseSegmentSpec('server:ACK,mss=1')).toThrow(/unknown field mss/)
    expect(() => parseSegmentSpec('server:ACK,win=65536')).toThrow(/win=65536 is too big/)
    expect(() => parseSegmentSpec('server:ACK,seq=4294967296')).toThrow(/too big/)
  })
})

describe('formatSegmentSpec', () => {
  it('prints what parseSegmentSpec reads back unchanged', () => {
    for (const text of [
      'server:PSH+ACK,seq=200001,len=1398',
      'client:FIN+ACK,ack=1,win=0',
      'client:ACK',
    ]) {
      const spec = parseSegmentSpec(text)
      expect(formatSegmentSpec(spec)).toBe(text)
      expect(parseSegmentSpec(formatSegmentSpec(spec))).toEqual(spec)
    }
    expect(formatSegmentSpec(parseSegmentSpec('server:psh+ack,len=5,seq=7'))).toBe(
      'server:PSH+ACK,seq=7,len=5',
    )
  })
})
