# cascade — the two set-up commands of the README are `make demo` and `make test`.
# Both install Debian's libopenblas-dev (and pkg-config, which SwiftPM uses to find it) first
# when they are missing.

SWIFT    ?= swift
SCENARIO ?= Scenarios/flash-crash.yaml
OUT      ?= reports/$(basename $(notdir $(SCENARIO)))
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Compile the engine for this machine's CPU (AVX2 where it has it). The binary is for this machine;
# set CASCADE_TARGET_CPU= (empty) for a portable baseline build. Results are identical either way.
export CASCADE_TARGET_CPU ?= native

# cascade parallelises over paths itself; OpenBLAS's own threads would only compete.
export OPENBLAS_NUM_THREADS ?= 1
# Debian's OpenBLAS 0.3.21 misdetects some AVX-512 CPUs and falls back to a kernel ~5× slower;
# name the core only where AVX-512 exists (on other CPUs SkylakeX kernels would crash). cascade
# itself re-executes with it when needed (OpenBLASKernel); this is for the tests and benchmarks.
ifeq ($(shell grep -qw avx512f /proc/cpuinfo 2>/dev/null && echo yes),yes)
export OPENBLAS_CORETYPE ?= SkylakeX
endif

.PHONY: demo test build release bench fuzz deps test-deps validate reference clean

## demo: run the bundled flash-crash scenario and write its reports to reports/flash-crash/
demo: release
	.build/release/cascade run $(SCENARIO) --out $(OUT)

## test: build and run the test suite
test: test-deps
	$(SWIFT) test

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product cascade

## validate: check every bundled scenario
validate: release
	.build/release/cascade validate Scenarios/*.yaml

## reference: regenerate docs/scenario.schema.json and the key reference of docs/scenarios.md
## from the scenario reference in the code (a test fails while they differ)
reference: release
	.build/release/cascade schema > docs/scenario.schema.json
	.build/release/cascade schema --markdown > docs/.key-reference.md
	awk '/^<!-- BEGIN KEY REFERENCE/ { print; print ""; while ((getline line < "docs/.key-reference.md") > 0) print line; skip = 1; next } \
	     /^<!-- END KEY REFERENCE/ { skip = 0 } !skip' docs/scenarios.md > docs/.scenarios.md
	mv docs/.scenarios.md docs/scenarios.md
	rm -f docs/.key-reference.md

## bench: the performance benchmarks (release build, separate package under Benchmarks/)
bench: deps
	cd Benchmarks && $(SWIFT) package benchmark

## fuzz: the libFuzzer target of the scenario decoder (separate package under Fuzz/; docs/fuzzing.md).
## Mutates a copy of Fuzz/Corpus for FUZZ_SECONDS, or FUZZ_RUNS inputs from FUZZ_SEED (what CI runs:
## the same count and seed every time; the inputs still vary a little with the coverage feedback,
## docs/fuzzing.md). A crashing input lands in Fuzz/artifacts/. Swift's own crash
## backtracer is switched off so that libFuzzer's handler writes that input.
FUZZ_SECONDS ?= 60
FUZZ_RUNS    ?= -1
FUZZ_SEED    ?= 0
fuzz: deps
	cd Fuzz && $(SWIFT) build -c release -Xswiftc -sanitize=fuzzer
	@mkdir -p Fuzz/artifacts
	@work=$$(mktemp -d) && cp Fuzz/Corpus/*.yaml "$$work"/ && \
	SWIFT_BACKTRACE=enable=no Fuzz/.build/release/ScenarioDecoderFuzzer "$$work" -max_total_time=$(FUZZ_SECONDS) \
		-runs=$(FUZZ_RUNS) -seed=$(FUZZ_SEED) -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
		-artifact_prefix=Fuzz/artifacts/ ; status=$$?; rm -rf "$$work"; exit $$status

deps:
	@if ! pkg-config --exists openblas 2>/dev/null; then \
		echo "Installing libopenblas-dev and pkg-config (needed to build cascade)…"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libopenblas-dev pkg-config >/dev/null; \
	fi

## test-deps: what the tests need beyond the build: Python's jsonschema and yaml (the scenario
## JSON Schema check) and Debian's chromium (the report pages opened in a real browser).
test-deps: deps
	@if ! python3 -c 'import jsonschema, yaml' 2>/dev/null; then \
		echo "Installing python3-jsonschema and python3-yaml (the tests check the scenario JSON Schema with them)…"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-jsonschema python3-yaml >/dev/null; \
	fi
	@if ! command -v chromium >/dev/null 2>&1 && [ -z "$$CASCADE_CHROMIUM" ]; then \
		echo "Installing chromium (the tests open the report pages in headless Chromium; cascade run --pdf uses it)…"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; \
	fi

clean:
	rm -rf .build Benchmarks/.build reports
