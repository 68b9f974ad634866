'use strict';

// Reads the file `wanledger caliper prepare` writes: who submits, where, and
// one argument list per licence:Issue transaction, with the licence IDs.

const fs = require('fs');
const { CaliperUtils } = require('@hyperledger/caliper-core');

/**
 * Loads a prepared batch and checks its shape.
 * @param {string} file the batch file, absolute or relative to the Caliper workspace
 * @return {{channel: string, chaincode: string, function: string, mspId: string,
 *           identity: string, licences: string[], arguments: string[][]}} the batch
 */
function loadBatch(file) {
    if (!file) {
        throw new Error('the round\'s arguments name no "batch" file (see caliper/README.md)');
    }
    const resolved = CaliperUtils.resolvePath(file);
    const batch = JSON.parse(fs.readFileSync(resolved, 'utf8'));
    for (const key of ['channel', 'chaincode', 'function', 'mspId', 'identity']) {
        if (typeof batch[key] !== 'string' || batch[key] === '') {
            throw new Error(`${resolved}: "${key}" is missing`);
        }
    }
    if (!Array.isArray(batch.arguments) || !Array.isArray(batch.licences) ||
        batch.arguments.length === 0 || batch.arguments.length !== batch.licences.length) {
        throw new Error(`${resolved}: "arguments" and "licences" must be lists of the same, non-zero length`);
    }
    return batch;
}

/**
 * The item a worker takes for its n-th transaction (from 0): the workers
 * share the list, worker w taking items w, w + workers, w + 2 × workers, …,
 * so that no two transactions of a round use the same item.
 * @param {number} workerIndex the worker's index (from 0)
 * @param {number} totalWorkers how many workers the round has
 * @param {number} n the worker's transaction number (from 0)
 * @return {number} the index into the batch's lists
 */
function itemIndex(workerIndex, totalWorkers, n) {
    return workerIndex + n * totalWorkers;
}

module.exports = { loadBatch, itemIndex };
