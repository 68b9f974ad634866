'use strict';

// The issuance round: each transaction submits one prepared licence:Issue,
// sealed beforehand by `wanledger caliper prepare` with the agency's SM2 seal
// key, as the agency's issuer. The peer's Gateway service collects the
// endorsements the channel's policy needs and waits for the commit; a
// transaction counts as successful only when it committed VALID.
//
// Round arguments: batch (the prepared file, relative to the workspace).

const { WorkloadModuleBase } = require('@hyperledger/caliper-core');
const { loadBatch, itemIndex } = require('./batch');

class IssueWorkload extends WorkloadModuleBase {
    async initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext) {
        await super.initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext);
        this.batch = loadBatch(roundArguments.batch);
        this.sent = 0;
    }

    async submitTransaction() {
        const i = itemIndex(this.workerIndex, this.totalWorkers, this.sent++);
        if (i >= this.batch.arguments.length) {
            throw new Error(`the batch holds ${this.batch.arguments.length} transactions and the round wants more: ` +
                'prepare at least txNumber (`wanledger caliper prepare --count`)');
        }
        return this.sutAdapter.sendRequests({
            channel: this.batch.channel,
            contractId: this.batch.chaincode,
            contractFunction: this.batch.function,
            contractArguments: this.batch.arguments[i],
            invokerMspId: this.batch.mspId,
            invokerIdentity: this.batch.identity,
            readOnly: false,
        });
    }
}

module.exports.createWorkloadModule = () => new IssueWorkload();
