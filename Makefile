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
	@$(BUILD)/sito run sample/*.gz -o out/demo --model models/lid.176.ftz -q
	@echo "output: out/demo/ (kept: $$(ls out/demo/*.jsonl.zst), rejects: out/demo/rejects/, stats: out/demo/stats.json)"

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
