/**
 * @module public
 * The kpath library for Node: the pure core plus the Node adapters (files, processes).
 */
export * from './core.js'
export { NodeExecer } from '../adapters/node/execer.js'
export { FakeExecer, type ExpectedCommand } from '../adapters/node/fake-execer.js'
export { readTextInput } from '../adapters/node/files.js'
