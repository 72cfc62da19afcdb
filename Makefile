# The two commands that matter:
#   make run    install what is needed, build, load demo data into var/, serve http://127.0.0.1:8080
#   make test   install what is needed, build, run every test (unit, store on SQLite and PostgreSQL,
#               HTTP, browser with axe, then the same C++ tests under AddressSanitizer and UBSan, and
#               short fuzzing runs of every parser)
# Others: make build, make bench, make fuzz, make format, make clean.

SHELL := /bin/bash
BUILD ?= build
SANITIZE_BUILD ?= build-sanitize
JOBS ?= 2
SHELFMARK = $(BUILD)/src/bin/shelfmark
DATABASE ?= sqlite:var/shelfmark.db
LISTEN ?= 127.0.0.1:8080
FUZZ_SECONDS ?= 15

.PHONY: all deps build run test test-unit test-web test-sanitize test-style format-check tidy fuzz bench format clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD) -j$(JOBS)

run: build
	@mkdir -p var
	$(SHELFMARK) demo-data --database $(DATABASE)
	exec $(SHELFMARK) serve --database $(DATABASE) --listen $(LISTEN)

test: build
	@bash scripts/run-tests.sh

test-unit:
	cd $(BUILD) && ctest --output-on-failure -j1

# The HTTP and browser test files, run one at a time (each starts its own server and Chromium).
WEB_TESTS = \
  cli.test.mjs \
  import_marc.test.mjs \
  http.test.mjs \
  registration.test.mjs \
  activities.test.mjs \
  tls.test.mjs \
  sip2.test.mjs \
  browser.test.mjs \
  registration_browser.test.mjs \
  activities_browser.test.mjs \
  ask.test.mjs \
  ask_browser.test.mjs \
  study_room.test.mjs \
  study_room_browser.test.mjs \
  limits.test.mjs \
  hkid_urls.test.mjs \
  routes.test.mjs \
  staff_accounts.test.mjs \
  staff_two_factor.test.mjs \
  reader_merge.test.mjs \
  audit_trail.test.mjs \
  reader_record.test.mjs \
  reader_care.test.mjs

test-web:
	cd tests/browser && SHELFMARK_BIN=$(CURDIR)/$(SHELFMARK) node --test --test-concurrency=1 $(WEB_TESTS)

# The C++ tests again, built with clang under AddressSanitizer and UndefinedBehaviorSanitizer, then every
# parser fuzzed for FUZZ_SECONDS each.
test-sanitize: deps
	CC=clang CXX=clang++ cmake -S . -B $(SANITIZE_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DSHELFMARK_SANITIZE=ON -DSHELFMARK_FUZZ=ON -DSHELFMARK_WITH_SERVER=OFF
	ninja -C $(SANITIZE_BUILD) -j$(JOBS)
	cd $(SANITIZE_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j1
	$(MAKE) --no-print-directory fuzz BUILD_FUZZ=$(SANITIZE_BUILD)

BUILD_FUZZ ?= $(SANITIZE_BUILD)
fuzz:
	@for fuzzer in $(BUILD_FUZZ)/fuzz/fuzz_*; do \
	  [ -x "$$fuzzer" ] || continue; \
	  name=$$(basename $$fuzzer); corpus=$$(mktemp -d); \
	  cp fuzz/corpus/$$name/* $$corpus/ 2>/dev/null || true; \
	  echo "fuzzing $$name for $(FUZZ_SECONDS)s"; \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/fuzz/lsan.supp \
	  $$fuzzer -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=0 $$corpus > $$corpus.log 2>&1 \
	    || { tail -n 40 $$corpus.log; rm -rf $$corpus $$corpus.log; exit 1; }; \
	  grep -E "^Done [0-9]+ runs" $$corpus.log | tail -n 1; rm -rf $$corpus $$corpus.log; \
	done

# Then the registration benchmark (bench/registration_bench.cpp; REGISTRATION_ARGS, for example
# "--applications 10 --clients 1,8 --uploads 100").
bench: build
	bash bench/run.sh $(SHELFMARK)
	$(BUILD)/bench/registration_bench $(REGISTRATION_ARGS)

FORMATTED = $$(git ls-files 'src/*.cpp' 'src/*.h' 'fuzz/*.cpp' 'bench/*.cpp')
format:
	clang-format -i $(FORMATTED)

# The habits the build checks (part of `make test`): every C++ file as clang-format writes it (`make format`
# rewrites them), and the .clang-tidy checks over the pure layers (src/core, src/domain, src/app).
test-style: format-check tidy

format-check:
	@clang-format --dry-run --Werror $(FORMATTED) && echo "format-check: every file is formatted"

tidy: $(BUILD)/build.ninja
	@git ls-files 'src/core/*.cpp' 'src/domain/*.cpp' 'src/app/*.cpp' | grep -v '_test\.cpp$$' \
	  | xargs -P$(JOBS) -n4 clang-tidy -p $(BUILD) --quiet 2>&1 | grep -vE '^[0-9]+ warnings? (and [0-9]+ errors? )?generated|^Suppressed|^Use -header-filter|^$$' ; \
	  status=$${PIPESTATUS[2]}; [ "$$status" -eq 0 ] && echo "tidy: no findings" || { echo "tidy: findings above"; exit 1; }

clean:
	rm -rf $(BUILD) $(SANITIZE_BUILD)
