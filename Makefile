# xbeam: `make test` checks everything CI checks; `make bench` runs the
# comparison benchmark. Both need only Go 1.26 and the module proxy: tools are
# run at pinned versions through `go run`.

GO          ?= go
STATICCHECK_AT := honnef.co/go/tools/cmd/staticcheck@v0.8.2
STATICCHECK := $(GO) run $(STATICCHECK_AT)
DURATION    ?= 2m
FUZZTIME    ?= 30s
OUT         ?= out
BENCHFLAGS  ?=
STRESS      := ./stress/cmd/xbeam-stress
# The comparison machinery (xbeam-bench, its peers and plotting) is a nested
# module, so that the library's go.mod names only what the library and its
# tests import. Its targets run there with go -C.
BENCHMOD    := stress/bench
STRUCTURES  := ./atomicx ./epoch ./queue ./deque ./internal/eventcount
# Each go test step has a -timeout of about three times its slowest
# package's time on a busy 2-core machine, so that a hang fails the step
# with go test's goroutine dump well within make test's 15 minutes.
# Raise them on a slower machine: make test RACE_TIMEOUT=15m.
UNIT_TIMEOUT  ?= 4m
CPU_TIMEOUT   ?= 5m
RACE_TIMEOUT  ?= 7m
CHAOS_TIMEOUT ?= 5m
# The soak reports "no progress" and stops after this long without progress.
STALL         ?= 30s

.PHONY: test fmt vet staticcheck unit cpu race-short chaos stress-short race stress bench bench-doc fuzz cover inline

## test: the CI gate (a few minutes on 2 cores once the module cache is warm)
test: fmt vet staticcheck unit cpu race-short chaos stress-short
	@echo "==> make test: every step passed"

fmt:
	@echo "==> gofmt: checking formatting"
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	@echo "==> go vet ./... (also with -tags xbeam_chaos)"
	$(GO) vet ./...
	$(GO) vet -tags xbeam_chaos ./...
	$(GO) -C $(BENCHMOD) vet ./...

staticcheck:
	@echo "==> staticcheck v0.8.2"
	$(STATICCHECK) ./...
	$(GO) -C $(BENCHMOD) run $(STATICCHECK_AT) ./...

unit:
	@echo "==> unit, property and example tests (-short)"
	$(GO) test -short -count=1 -timeout $(UNIT_TIMEOUT) ./...
	$(GO) -C $(BENCHMOD) test -short -count=1 -timeout $(UNIT_TIMEOUT) ./...

cpu:
	@echo "==> the structures' tests on 1, 2, 4 and 8 processors (-short -cpu 1,2,4,8)"
	$(GO) test -short -count=1 -timeout $(CPU_TIMEOUT) -cpu 1,2,4,8 $(STRUCTURES)

race-short:
	@echo "==> the same tests under the race detector (-short -race)"
	$(GO) test -short -race -count=1 -timeout $(RACE_TIMEOUT) ./...
	$(GO) -C $(BENCHMOD) test -short -race -count=1 -timeout $(RACE_TIMEOUT) ./internal/...

chaos:
	@echo "==> chaos pass: every atomic may yield (-tags xbeam_chaos, -short)"
	XBEAM_CHAOS_SEED=$${XBEAM_CHAOS_SEED:-1} $(GO) test -short -tags xbeam_chaos -count=1 -timeout $(CHAOS_TIMEOUT) ./...

stress-short:
	@echo "==> short soak of every structure under -race"
	@if [ -d $(STRESS) ]; then $(GO) run -race $(STRESS) -target all -duration 5s -stall $(STALL); \
	else echo "no soak command yet"; fi

## race: the full tests under -race on 1, 2, 4 and 8 processors
race:
	@echo "==> go test -race -cpu 1,2,4,8 ./..."
	$(GO) test -race -cpu 1,2,4,8 -count=1 -timeout 60m ./...

## stress: soak every structure (and the fork-join pool) under -race and the chaos tag, DURATION each (default 2m)
# Chaos makes nearly every recorded history truly concurrent (without it,
# operations of tens of nanoseconds rarely overlap on a busy machine).
stress:
	@echo "==> soak, $(DURATION) per target, under -race -tags xbeam_chaos"
	@for t in bounded unbounded deque injector epoch forkjoin; do \
		echo "--> $$t"; \
		$(GO) run -race -tags xbeam_chaos $(STRESS) -target $$t -duration $(DURATION) -stall $(STALL) || exit 1; \
	done

## bench: the comparison run: a table on the terminal, CSV, Markdown and charts under $(OUT)/bench
bench:
	$(GO) -C $(BENCHMOD) run ./cmd/xbeam-bench -out $(if $(filter /%,$(OUT)),$(OUT),../../$(OUT))/bench $(BENCHFLAGS)
	@echo "==> results in $(OUT)/bench"

## bench-doc: make bench, then its tables and charts into docs/benchmarks.md as the section of MACHINE
MACHINE     ?= $(shell getconf _NPROCESSORS_ONLN)core
DOC_CHARTS  ?= mpmc deque-owner fib
bench-doc: bench
	sh $(BENCHMOD)/update-doc.sh $(OUT)/bench docs/benchmarks.md $(MACHINE) $(DOC_CHARTS)

## fuzz: every Fuzz target for FUZZTIME (default 30s)
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "==> $$pkg $$f for $(FUZZTIME)"; \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s -timeout 10m $$pkg || exit 1; \
		done; \
	done

## cover: coverage of the -short tests, per function
cover:
	@mkdir -p $(OUT)
	$(GO) test -short -count=1 -timeout $(UNIT_TIMEOUT) -coverprofile=$(OUT)/cover.out ./...
	$(GO) tool cover -func=$(OUT)/cover.out | tail -n 1
	@echo "==> per-function report: go tool cover -func=$(OUT)/cover.out; HTML: go tool cover -html=$(OUT)/cover.out"

## inline: the fast paths that must inline, checked with -gcflags=-m
# Each entry is an extended regular expression that must match a whole
# function name as the compiler prints it after "can inline ".
INLINE := \
	'\(\*Uint64\)\.Load' '\(\*Uint64\)\.Store' '\(\*Uint64\)\.Add' \
	'\(\*Uint64\)\.CompareAndSwap' '\(\*Uint64\)\.Swap' '\(\*Uint64\)\.Or' \
	'\(\*Uint32\)\.Load' '\(\*Uint32\)\.Add' '\(\*Uint32\)\.CompareAndSwap' \
	'\(\*Int64\)\.Load' '\(\*Int64\)\.Add' '\(\*Bool\)\.Load' '\(\*Bool\)\.Store' \
	'\(\*Pointer\[.*\]\)\.Load' '\(\*Pointer\[.*\]\)\.Store' '\(\*Pointer\[.*\]\)\.CompareAndSwap' \
	'\(\*Guard\)\.Unpin' '\(\*Handle\)\.Pin' '\(\*Handle\)\.claimed' 'Store64' 'StoreUint64' \
	'\(\*Collector\)\.Pin' '\(\*Collector\)\.pin' \
	'\(\*Ctx\)\.private' '\(\*Ctx\)\.frame' \
	'\(\*u64\)\.Load' '\(\*u64\)\.Store' '\(\*u64\)\.Add' '\(\*u64\)\.CompareAndSwap' '\(\*u64\)\.StoreRelease' '\(\*i32\)\.Load' \
	'\(\*u64\)\.recheck' '\(\*u64\)\.storeFenced' 'deque\.\(\*buffer\[go\.shape\..*\]\)\.at' 'deque\.\(\*buffer\[go\.shape\..*\]\)\.checkGen' \
	'deque\.\(\*Worker\[go\.shape\..*\]\)\.popEmpty' 'deque\.\(\*Worker\[go\.shape\..*\]\)\.undoFIFO' \
	'deque\.\(\*Worker\[go\.shape\..*\]\)\.at' 'deque\.\(\*Worker\[go\.shape\..*\]\)\.take' \
	'deque\.\(\*Worker\[go\.shape\..*\]\)\.Push' 'deque\.\(\*Worker\[go\.shape\..*\]\)\.push' \
	'deque\.\(\*Stealer\[go\.shape\..*\]\)\.shared' 'deque\.\(\*shared\[go\.shape\..*\]\)\.clearTaken' \
	'\(\*u32\)\.Load' '\(\*u32\)\.Add' 'segSet' '\(\*flag\)\.Load' '\(\*notify\)\.NotifyOne' \
	'queue\.\(\*Bounded\[go\.shape\..*\]\)\.TryPush' 'queue\.\(\*Bounded\[go\.shape\..*\]\)\.TryPop' \
	'queue\.\(\*Unbounded\[go\.shape\..*\]\)\.Push' 'queue\.\(\*Unbounded\[go\.shape\..*\]\)\.tailIndex'
# Generic methods are compiled where they are instantiated: xbeamimpl (in
# the nested module) instantiates every structure at uint64, as a user
# package would.
INLINE_PKGS := ./atomicx ./internal/release ./epoch ./queue ./deque ./deque/forkjoin
INLINE_USER := ./internal/bench/xbeamimpl

inline:
	@echo "==> checking that the fast paths inline (go build -gcflags=-m $(INLINE_PKGS), and $(INLINE_USER) in $(BENCHMOD))"
	@m=$$({ $(GO) build -gcflags=-m $(INLINE_PKGS) && $(GO) -C $(BENCHMOD) build -gcflags=-m $(INLINE_USER); } 2>&1) || { echo "$$m"; exit 1; }; \
	m=$$(printf '%s\n' "$$m" | grep 'can inline' | sed 's/.*can inline //'); \
	status=0; for re in $(INLINE); do \
		if printf '%s\n' "$$m" | grep -qE "^$$re$$"; then echo "inlines: $$re"; \
		else echo "DOES NOT INLINE: $$re"; status=1; fi; \
	done; exit $$status
