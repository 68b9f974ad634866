# wanledger: the two commands a new user needs are `make up` and `make test`.
SHELL := /bin/bash
GO ?= go
BIN := bin/wanledger

.PHONY: up down purge status test test-faults test-hosts test-caliper journey unit integration check fabric chromium iproute2 wasm build clean

## up: build wanledger and the Fabric tools (cached), then bring the network up
up: build
	$(BIN) up

## down: stop every process of the network
down: build
	$(BIN) down

## purge: stop the network and remove its run directory
purge: build
	$(BIN) down --purge

status: build
	$(BIN) status

## test: static checks, unit tests, the integration tests on a real network, the README's
## first journey on a network of its own (scripts/journey.sh --fresh), the fault suite and the
## network across hosts. As root: the fault suite mounts a tmpfs, the hosts are network
## namespaces; without root, run unit and integration.
test: check fabric chromium
	$(GO) test -race -count=1 -timeout 40m ./...
	scripts/journey.sh --fresh
	$(MAKE) test-faults
	$(MAKE) test-hosts

## test-faults: the fault suite (network/faults, build tag faults, ADR 39) on a network of five
## orderers of its own: orderers, a peer, a gateway and the relay killed under load, a gateway's
## cache disk filled; each one's figures are in its log. As root: it mounts a tmpfs.
test-faults: fabric
	$(GO) test -race -count=1 -tags faults -timeout 30m -v ./network/faults/

## test-hosts: the network across four hosts made of Linux network namespaces, brought up,
## through the README's first journey and down again (network/integration/hosts). Needs root.
test-hosts: fabric iproute2
	$(GO) test -tags hosts -count=1 -timeout 20m -v ./network/integration/hosts/

## journey: the README's first journey against the network `make up` runs
journey: build
	scripts/journey.sh

## test-caliper: Hyperledger Caliper's issuance and verify rounds on a network of its own
## (scripts/caliper.sh --fresh). Not part of test: it installs Caliper from the npm registry once.
test-caliper: build fabric
	scripts/caliper.sh --fresh

## unit: everything but the tests that start the network
unit: chromium wasm
	$(GO) test -race -count=1 $$($(GO) list ./... | grep -v /integration)

integration: fabric chromium
	$(GO) test -race -count=1 -timeout 40m -v ./network/integration/

check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags hosts ./network/integration/hosts/
	$(GO) vet -tags faults ./network/faults/
	GOOS=js GOARCH=wasm $(GO) vet ./gateway/pages/wasm

## chromium: install Debian's chromium (and a Chinese font) for the browser tests, once
chromium:
	scripts/install-chromium.sh

## iproute2: install Debian's iproute2 (the ip command) for test-hosts, once
iproute2:
	scripts/install-iproute2.sh

## fabric: build the pinned, patched Fabric tools once into the cache
fabric: build
	$(BIN) fabric build

## wasm: the pages' WebAssembly module (wallet and seal code run in the browser), embedded by build
wasm:
	GO=$(GO) scripts/build-wasm.sh

build: wasm
	$(GO) build -o $(BIN) ./cmd/wanledger

clean:
	rm -rf bin gateway/pages/assets/wasm
