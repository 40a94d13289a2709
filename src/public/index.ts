/**
 * @module public
 * The kpath library for Node: the pure core plus the Node adapters (files, processes).
 */

export { NodeExecer } from '../adapters/node/execer.js'
export { type ExpectedCommand, FakeExecer } from '../adapters/node/fake-execer.js'
export { readTextInput } from '../adapters/node/files.js'
export * from './core.js'
