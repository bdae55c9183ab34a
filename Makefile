# sito — build, test, bench.  `make` builds build/sito and build/libsito.a;
# `make SAN=1` builds the same with ASan+UBSan into build-san/.
# Sources are found by wildcard: a new file under src/ or tests/unit/ needs
# no edit here.

CC      ?= cc
PKGS    := zlib libisal libzstd libbrotlidec uchardet libxxhash libutf8proc yaml-0.1
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
CSTD    := -std=c11 -D_GNU_SOURCE
ifeq ($(SAN),1)
  BUILD := build-san
  OPT   := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
  LDSAN := -fsanitize=address,undefined
else
  BUILD := build
  OPT   := -O2 -g
  LDSAN :=
endif
ARCHFLAGS ?= -march=x86-64-v2
CFLAGS  += $(CSTD) $(OPT) $(ARCHFLAGS) $(WARN) -Iinclude -Isrc $(PKG_CFLAGS) -MMD -MP
LDLIBS  += $(PKG_LIBS) -lm -lpthread

LIB_SRC  := $(sort $(wildcard src/*.c src/*/*.c))
TOOL_SRC := $(sort $(wildcard tools/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
TOOL_OBJ := $(TOOL_SRC:%.c=$(BUILD)/%.o)
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/%.o)

# Compile in parallel even when called as plain `make test`.
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)

all: $(BUILD)/sito

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libsito.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/sito: $(TOOL_OBJ) $(BUILD)/libsito.a
	$(CC) $(LDSAN) -o $@ $(TOOL_OBJ) $(BUILD)/libsito.a $(LDLIBS)

$(BUILD)/unit: $(UNIT_OBJ) $(BUILD)/libsito.a
	$(CC) $(LDSAN) -o $@ $(UNIT_OBJ) $(BUILD)/libsito.a $(LDLIBS)

# The README's test command: installs what is missing, builds, runs every
# unit and end-to-end test, ends with "N passed, N failed".
test: bootstrap $(BUILD)/sito $(BUILD)/unit
	@tests/run $(BUILD)

# The README's run command: the main job on the bundled sample.
demo: bootstrap $(BUILD)/sito
	@rm -rf out/demo
	@$(BUILD)/sito run sample/*.gz -o out/demo -q
	@echo "output: $(CURDIR)/out/demo/"
	@echo "  kept documents:     out/demo/*.jsonl.zst ($$(zstdcat out/demo/*.jsonl.zst | wc -l) documents)"
	@echo "  rejected documents: out/demo/rejects/*.jsonl.zst ($$(zstdcat out/demo/rejects/*.jsonl.zst | wc -l), each with metadata.filter)"
	@echo "  counters:           out/demo/stats.json"
	@for z in out/demo/*.jsonl.zst out/demo/rejects/*.jsonl.zst; do \
	  if [ -n "$$(zstdcat $$z | head -c 1)" ]; then echo "  look at one:        zstdcat $$z | head -n 1"; break; fi; done

# The same tests built with AddressSanitizer and UndefinedBehaviorSanitizer.
test-san: bootstrap
	@$(MAKE) --no-print-directory SAN=1 build-san/sito build-san/unit
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 tests/run build-san

bench: bootstrap $(BUILD)/sito
	@bench/run $(BUILD)

bootstrap:
	@scripts/bootstrap

clean:
	rm -rf build build-san out

.PHONY: all test test-san demo bench bootstrap clean

-include $(LIB_OBJ:.o=.d) $(TOOL_OBJ:.o=.d) $(UNIT_OBJ:.o=.d)

# libFuzzer harness for the HTML parser (clang): build-fuzz/fuzz_html
FUZZ_CC ?= clang
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc
FUZZ_SRC := $(filter-out src/html/charset.c,$(wildcard src/html/*.c)) src/util/arena.c src/names.c
build-fuzz/fuzz_html: fuzz/fuzz_html.c $(FUZZ_SRC) $(wildcard src/html/*.h)
	@mkdir -p build-fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ fuzz/fuzz_html.c $(FUZZ_SRC)

# libFuzzer harness for the WARC reader and HTTP decoding: build-fuzz/fuzz_warc
FUZZ_WARC_SRC := $(wildcard src/io/*.c src/util/*.c) src/names.c src/stats.c
build-fuzz/fuzz_warc: fuzz/fuzz_warc.c $(FUZZ_WARC_SRC) $(wildcard src/io/*.h src/util/*.h)
	@mkdir -p build-fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) $(PKG_CFLAGS) -o $@ fuzz/fuzz_warc.c $(FUZZ_WARC_SRC) $(PKG_LIBS) -lm -lpthread

# libFuzzer harness for the JSON reader of JSONL input: build-fuzz/fuzz_json
build-fuzz/fuzz_json: fuzz/fuzz_json.c src/util/json.c src/util/arena.c src/util/utf8.c src/util/json.h
	@mkdir -p build-fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ fuzz/fuzz_json.c src/util/json.c src/util/arena.c src/util/utf8.c

# libFuzzer harness for the quality signals, filters and PII: build-fuzz/fuzz_quality
build-fuzz/fuzz_quality: fuzz/fuzz_quality.c $(LIB_SRC) $(wildcard src/*/*.h)
	@mkdir -p build-fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) $(ARCHFLAGS) $(PKG_CFLAGS) -o $@ fuzz/fuzz_quality.c $(LIB_SRC) $(PKG_LIBS) -lm -lpthread

# Gumbo oracle helper (links libgumbo; never part of libsito)
GUMBO_LIBS := $(shell pkg-config --libs gumbo 2>/dev/null)
$(BUILD)/html_oracle: tests/html_oracle.c $(BUILD)/libsito.a
	$(CC) $(CFLAGS) $(LDSAN) -o $@ tests/html_oracle.c $(BUILD)/libsito.a $(GUMBO_LIBS) $(LDLIBS)
