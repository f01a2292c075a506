# The two commands a newcomer needs: `make demo` and `make test`.
# Everything else is a building block of those two.

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 300
JOBS       ?= $(shell nproc)
GENERATOR  := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")

.PHONY: all setup build build-asan build-fuzz fuzz fuzz-short test unit-test demo bench soak format clean deb

all: build

setup:
	@bash scripts/setup.sh

$(BUILD)/build.ninja $(BUILD)/Makefile:
	cmake -S . -B $(BUILD) $(GENERATOR) -DCMAKE_BUILD_TYPE=RelWithDebInfo


build: setup
	@test -f $(BUILD)/CMakeCache.txt || cmake -S . -B $(BUILD) $(GENERATOR) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j $(JOBS)

# ASan+UBSan with clang: the tests and the fuzz targets of `make test`, from
# one compile of the sources (the fuzzers link its coverage-instrumented lineup_core).
build-asan: setup
	@grep -qs 'LINEUP_FUZZ:BOOL=ON' $(ASAN_BUILD)/CMakeCache.txt || { rm -rf $(ASAN_BUILD); \
	  CC=clang CXX=clang++ cmake -S . -B $(ASAN_BUILD) $(GENERATOR) -DCMAKE_BUILD_TYPE=Debug \
	  -DLINEUP_SANITIZE=ON -DLINEUP_FUZZ=ON; }
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# libFuzzer targets (fuzz/), built with clang, ASan and UBSan.
build-fuzz: setup
	@test -f $(FUZZ_BUILD)/CMakeCache.txt || CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) $(GENERATOR) \
	  -DCMAKE_BUILD_TYPE=Debug -DLINEUP_FUZZ=ON -DLINEUP_TESTS=OFF
	cmake --build $(FUZZ_BUILD) --target fuzzers

# Each target for FUZZ_SECONDS (default 300), after replaying its regression
# inputs; FUZZ_MERGE=1 merges new coverage into fuzz/corpus/. See fuzz/README.md.
fuzz: build-fuzz
	bash fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# The regression inputs, then 15 s per target from the seed corpus, $(JOBS)
# targets at a time, with the sanitizer build's fuzz targets.
fuzz-short: build-asan
	FUZZ_PARALLEL=$(JOBS) FUZZ_SCRATCH=1 bash fuzz/run.sh $(ASAN_BUILD) 15

# Every test, in the normal build and again under ASan+UBSan, then a short fuzzing run.
test: build build-asan
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory fuzz-short

unit-test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# A Debian package of the release build (CPack): build/lineup_VERSION_ARCH.deb.
deb: build
	cd $(BUILD) && cpack -G DEB -B .

demo: build
	@bash examples/quickstart/demo.sh $(BUILD)/lineup

bench: build
	@bash bench/run.sh $(BUILD)

# Ten minutes of a crash-looping stack; fd count and RSS of the supervisor
# every 30 s (not part of `make test`; its 2,000-restart version is).
soak: build
	bash scripts/soak.sh $(BUILD)/lineup $${SOAK_SECONDS:-600}

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
