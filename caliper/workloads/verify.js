'use strict';

// The verify round: each transaction evaluates licence:Evidence (the licence,
// the grant it names and the seal key that sealed it, read at one height:
// what a verifier judges a licence by) for a licence of the prepared batch,
// which the issuance round issued, as a verifier of another organisation. An
// evaluation is a query on the verifier's own peer: nothing is ordered. A
// licence that is not on the ledger fails with NOT_FOUND.
//
// Round arguments: batch (the prepared file, relative to the workspace),
// invokerMspId and invokerIdentity (the verifier, an identity name of the
// network configuration).

const { WorkloadModuleBase } = require('@hyperledger/caliper-core');
const { loadBatch, itemIndex } = require('./batch');

class VerifyWorkload extends WorkloadModuleBase {
    async initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext) {
        await super.initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext);
        this.batch = loadBatch(roundArguments.batch);
        for (const key of ['invokerMspId', 'invokerIdentity']) {
            if (typeof roundArguments[key] !== 'string' || roundArguments[key] === '') {
                throw new Error(`the verify round's arguments name no ${key}`);
            }
        }
        this.sent = 0;
    }

    async submitTransaction() {
        const ids = this.batch.licences;
        const id = ids[itemIndex(this.workerIndex, this.totalWorkers, this.sent++) % ids.length];
        return this.sutAdapter.sendRequests({
            channel: this.batch.channel,
            contractId: this.batch.chaincode,
            contractFunction: 'licence:Evidence',
            contractArguments: [id],
            invokerMspId: this.roundArguments.invokerMspId,
            invokerIdentity: this.roundArguments.invokerIdentity,
            readOnly: true,
        });
    }
}

module.exports.createWorkloadModule = () => new VerifyWorkload();
