# scepgate: the two commands a newcomer needs.
#   make run   set up, build, and serve SCEP on 127.0.0.1:8080 from a fresh data dir (./data)
#   make test  set up, build, and run every test (unit + integration) through CTest
#   make deb   set up, build the two binaries and their man pages, and make the Debian package
BUILD ?= build
DATA ?= data
JOBS ?= $(shell nproc)
LISTEN ?= 127.0.0.1:8080
# Release at -O2 without debug info: debug info costs half the compile time of the tree, which
# keeps `make test` within CI's budget. `make BUILD_TYPE=RelWithDebInfo` for a debuggable build.
BUILD_TYPE ?= Release

DEB_TARGETS = scepgate scepgate-agent scepgate-man

.PHONY: setup configure build run test deb bench bench-ha format tidy fuzz tsan clean

setup:
	bash scripts/setup.sh

configure: setup
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	  -DCMAKE_CXX_FLAGS_RELEASE='-O2 -DNDEBUG' -DCMAKE_C_FLAGS_RELEASE='-O2 -DNDEBUG'

build: configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	@if [ ! -f $(DATA)/scepgate.toml ]; then \
	  $(BUILD)/apps/scepgate init --dir $(DATA) --challenge "$${SCEPGATE_CHALLENGE:-change-me}"; fi
	$(BUILD)/apps/scepgate serve --dir $(DATA) --listen $(LISTEN)

test: build
	cd $(BUILD) && ctest --output-on-failure -j 2 --timeout 900

# The Debian package (CPack, deploy/CMakeLists.txt) in $(BUILD): only what it holds is built.
deb: configure
	cmake --build $(BUILD) -j $(JOBS) --target $(DEB_TARGETS)
	cd $(BUILD) && cpack -G DEB
	@cd $(BUILD) && echo "deb: $$PWD/$$(ls -t scepgate_*.deb | head -n 1)"

bench: build
	bash bench/compare.sh

# One node on SQLite, one on PostgreSQL, two on PostgreSQL behind nginx (docs/performance.md).
bench-ha: build
	bash bench/ha_compare.sh $(BUILD)

format:
	find src apps tests bench fuzz -name '*.cc' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD)

# clang-tidy over the tree (needs clang-tidy-19: apt-get install clang-tidy-19).
tidy:
	bash scripts/tidy.sh $(BUILD)

# libFuzzer + ASan over every decoder of untrusted bytes, 60 s each (needs clang-19).
fuzz:
	bash scripts/fuzz.sh $(FUZZ_SECONDS)

# The concurrency tests under ThreadSanitizer (g++), in build-tsan, ROUNDS times (default 3).
tsan: setup
	bash scripts/tsan.sh $(ROUNDS)
