# pipeline.mk: the offline pipeline of recsys-ecom, from the raw
# Retailrocket CSVs to the serving store and the evaluation report.  It
# stands in for the original system's DVC pipeline (dvc.yaml, params.yaml
# and build_date.yaml); recsys-pipeline(7) is its manual.
#
#   make -f pipeline.mk [CUTOFF=2015-09-01] [DATA=data] [BUILD=build]
#        [VIEW_WEIGHT=0.25 CART_WEIGHT=0.75 FACTORS=50 ITERATIONS=50
#         REG=0.05 ALPHA=1 N_RECS=50 SEED=123 THREADS=N] [target]
#
# Targets: all (default: the store and the reports), report (prints the
# reports as tables), publish (points $(BUILD)/current at this build),
# clean (removes this build).
#
# How it keeps DVC's promise ("a stage reruns when an input or one of its
# own parameters changes, and not otherwise"): each stage's command line,
# with the program directory and the thread count left out and the paths
# under $(BUILD) made relative, is its parameter stamp,
# $(OUT)/.params/STAGE.  The stamp is compared with the
# stored one while this file is read, and is rewritten (atomically, by the
# stamp's recipe) only when it differs, so its mtime moves only when the
# stage's parameters do; the stage's output depends on it like on any input
# file.  Changing FACTORS therefore reruns als-fit and what follows it, not
# ev-filter.  Because the comparison happens at parse time and the writing
# in a recipe, "make -n" shows exactly the stages that would run and
# changes nothing.  The programs are prerequisites too: rebuilding one
# (after a code change) reruns the stages it drives, as DVC does for code
# dependencies.
#
# Interruptions: every program writes "-o FILE" to a temporary file and
# renames it into place, so a run killed at any moment (even by SIGKILL)
# leaves either the previous artifact or the complete new one, never a
# partial file that make could take as up to date.  SIGKILL can leave the
# program's temporary file (".NAME.XXXXXX"); the stage removes its own
# leftovers before it starts again.

# ---- parameters (the original system's defaults) -----------------------
CUTOFF      ?= 2015-09-01
DATA        ?= data
BUILD       ?= build
VIEW_WEIGHT ?= 0.25
CART_WEIGHT ?= 0.75
FACTORS     ?= 50
ITERATIONS  ?= 50
REG         ?= 0.05
ALPHA       ?= 1
N_RECS      ?= 50
SEED        ?= 123
# COUNT_DUPLICATES=1 makes report.tsv count every cart row, as the
# original notebook did (rec-eval --count-duplicates), for figures that
# compare exactly with its table; the default counts distinct items.
COUNT_DUPLICATES ?=
# Threads for als-fit and als-recommend; empty means all cores.  Not a
# parameter of the result (the model is identical for any thread count),
# so changing it reruns nothing.
THREADS     ?=
# VERBOSE=1 passes -v to every program (progress and counts on stderr).
VERBOSE     ?=
# A command prefix for every program (nice, a timer): RUN="nice -n 10".
RUN         ?=

# The embedded default: with no events file in $(DATA), ev-synth writes a
# Retailrocket-shaped dataset of SYNTH_EVENTS events into $(SYNTH).
SYNTH        ?= $(BUILD)/synth-data
SYNTH_EVENTS ?= 300000
SYNTH_SEED   ?= 123

# The programs: by default the repository's bin/, built when needed.  With
# BIN set to another directory (an installed prefix, the sanitizer build)
# the programs there are used as they are.
TOP := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
BIN ?= $(TOP)/bin

OUT := $(BUILD)/$(CUTOFF)
P   := $(OUT)/.params

ifneq ($(findstring :,$(CUTOFF))$(findstring /,$(CUTOFF)),)
$(error pipeline: CUTOFF names a directory: use YYYY-MM-DD or @MILLIS, not "$(CUTOFF)")
endif

# ---- inputs --------------------------------------------------------------
# Plain or gzip, the programs read both.  A part present both ways would be
# read twice, so that is refused.
have = $(firstword $(wildcard $(DATA)/$1 $(DATA)/$1.gz))
EVENTS := $(call have,events.csv)
ifeq ($(EVENTS),)
USING_SYNTH := yes
EVENTS      := $(SYNTH)/events.csv
PROPS       := $(SYNTH)/item_properties_part1.csv $(SYNTH)/item_properties_part2.csv
TREE        := $(SYNTH)/category_tree.csv
else
PROPS := $(sort $(wildcard $(DATA)/item_properties_part*.csv $(DATA)/item_properties_part*.csv.gz))
TREE  := $(call have,category_tree.csv)
ifneq ($(words $(wildcard $(DATA)/events.csv $(DATA)/events.csv.gz $(DATA)/category_tree.csv $(DATA)/category_tree.csv.gz)),2)
$(error pipeline: $(DATA) needs exactly one events.csv[.gz] and one category_tree.csv[.gz])
endif
ifneq ($(filter $(PROPS:=.gz),$(PROPS)),)
$(error pipeline: both plain and gzip copies of $(filter $(PROPS:=.gz),$(PROPS)) in $(DATA))
endif
ifeq ($(PROPS),)
$(error pipeline: no item_properties_part*.csv[.gz] in $(DATA))
endif
endif

ifeq ($(USING_SYNTH),yes)
ifeq ($(filter clean,$(MAKECMDGOALS)),)
$(info pipeline: no events.csv in $(DATA)/: using the embedded default, ev-synth --events $(SYNTH_EVENTS) -s $(SYNTH_SEED) in $(SYNTH)/)
endif
endif

# ---- stage commands ------------------------------------------------------
# $(call CMD_STAGE,DIR/) is the command of a stage whose outputs are in
# DIR, without the program directory.  With DIR the build directory it is
# what runs; with DIR empty it is the stage's parameter stamp (stamp_text
# below), which so does not change when the build directory is moved or
# copied.
V := $(if $(VERBOSE),-v)
T := $(if $(THREADS),-t $(THREADS))
WEIGHTS       := view=$(VIEW_WEIGHT),addtocart=$(CART_WEIGHT),transaction=0
NAIVE_WEIGHTS := view=1,addtocart=1,transaction=0
ALS_PARAMS     = -f $(FACTORS) -r $(REG) -i $(ITERATIONS) -a $(ALPHA) -s $(SEED)

CMD_synth        = ev-synth -s $(SYNTH_SEED) --events $(SYNTH_EVENTS) -o $(or $(1:/=),.)
CMD_items        = catalog-snapshot --at $(CUTOFF) --tree $(TREE) -o $1items.tsv $(PROPS)
CMD_train        = ev-filter --until $(CUTOFF) --items $1items.tsv -o $1train.tsv $(EVENTS)
CMD_test         = ev-filter --from $(CUTOFF) -o $1test.tsv $(EVENTS)
CMD_popular      = pop-rank --items $1items.tsv -o $1popular.tsv $1train.tsv
CMD_matrix       = interactions-weight -w $(WEIGHTS) -o $1matrix.bin $1train.tsv
CMD_naive_matrix = interactions-weight -w $(NAIVE_WEIGHTS) -o $1naive-matrix.bin $1train.tsv
CMD_als          = als-fit $(ALS_PARAMS) -o $1als.model $1matrix.bin
CMD_naive_als    = als-fit $(ALS_PARAMS) -o $1naive-als.model $1naive-matrix.bin
CMD_recs         = als-recommend -n $(N_RECS) -o $1als-recs.tsv $1als.model
CMD_naive_recs   = als-recommend -n $(N_RECS) --users $1eval-users.tsv \
                   -o $1naive-als-recs.tsv $1naive-als.model
CMD_store        = rec-blend --items $1items.tsv --popular $1popular.tsv \
                   --personal $1als-recs.tsv -c $(CUTOFF) -o $1recs-staged.db
CMD_report       = rec-eval --train $1train.tsv --test $1test.tsv \
                   --items $1items.tsv --popular $1popular.tsv \
                   --recs naive_als=$1naive-als-recs.tsv \
                   --recs weighted_als=$1als-recs.tsv \
                   $(if $(COUNT_DUPLICATES),--count-duplicates )-o $1report.tsv
CMD_replay       = rec-eval --train $1train.tsv --test $1test.tsv \
                   --items $1items.tsv --replay $1recs-staged.db \
                   -o $1replay.tsv

PROGRAMS := ev-synth ev-filter catalog-snapshot pop-rank interactions-weight \
            als-fit als-recommend rec-blend rec-eval

# ---- targets -------------------------------------------------------------
all: $(OUT)/recs.db $(OUT)/report.tsv $(OUT)/replay.tsv

# The two reports as aligned tables.
report: all
	@echo "pipeline: $(OUT)/report.tsv and replay.tsv$(if $(USING_SYNTH), (embedded synthetic data))"
	@for f in $(OUT)/report.tsv $(OUT)/replay.tsv; do echo; \
	    awk -F'\t' '{ for (i = 1; i <= NF; i++) { c[NR, i] = $$i; \
	    if (length($$i) > w[i]) w[i] = length($$i) } \
	    if (NF > n) n = NF } END { for (r = 1; r <= NR; r++) { s = ""; \
	    for (i = 1; i < n; i++) s = s sprintf("%-*s  ", w[i], c[r, i]); \
	    print s c[r, n] } }' $$f; done

# $(BUILD)/current is replaced by rename(2), so a reader (rec-serve opening
# current/recs.db) sees the old build or the new one, never neither.  The
# link is relative so that $(BUILD) can be moved.
publish: all
	@ln -sfn $(CUTOFF) $(BUILD)/.current.$$$$ && \
	    mv -Tf $(BUILD)/.current.$$$$ $(BUILD)/current
	@echo "pipeline: $(BUILD)/current -> $(CUTOFF)"

clean:
	@if [ "$$(readlink $(BUILD)/current 2>/dev/null)" = "$(CUTOFF)" ]; then \
	    echo "pipeline: $(OUT) is published as $(BUILD)/current;" \
	        "publish another build first" >&2; exit 1; fi
	rm -rf $(OUT)

.PHONY: all report publish clean build-programs FORCE
.DELETE_ON_ERROR:

# ---- stages --------------------------------------------------------------
# $(call run,STAGE[,EXTRA]): removes the output's leftover temporary files
# from a killed run, then runs the stage's command with the programs'
# directory, the RUN prefix, -v and EXTRA (flags that are not parameters).
run = @rm -f $(@D)/.$(@F).??????; \
      echo '$(call CMD_$1,$(OUT)/)'; \
      $(RUN) $(BIN)/$(call CMD_$1,$(OUT)/) $(V) $2

ifeq ($(USING_SYNTH),yes)
$(EVENTS) $(PROPS) $(TREE) &: $(SYNTH)/.params/synth $(BIN)/ev-synth
	@mkdir -p $(SYNTH)
	@for f in $(EVENTS) $(PROPS) $(TREE); do \
	    rm -f $$(dirname $$f)/.$$(basename $$f).??????; done
	@echo '$(call CMD_synth,$(SYNTH)/)'
	@$(RUN) $(BIN)/$(call CMD_synth,$(SYNTH)/) $(V)
	@touch $(EVENTS) $(PROPS) $(TREE)
endif

$(OUT)/items.tsv: $(PROPS) $(TREE) $(P)/items $(BIN)/catalog-snapshot
	$(call run,items)
$(OUT)/train.tsv: $(EVENTS) $(OUT)/items.tsv $(P)/train $(BIN)/ev-filter
	$(call run,train)
$(OUT)/test.tsv: $(EVENTS) $(P)/test $(BIN)/ev-filter
	$(call run,test)
$(OUT)/popular.tsv: $(OUT)/train.tsv $(OUT)/items.tsv $(P)/popular $(BIN)/pop-rank
	$(call run,popular)
$(OUT)/matrix.bin: $(OUT)/train.tsv $(P)/matrix $(BIN)/interactions-weight
	$(call run,matrix)
$(OUT)/naive-matrix.bin: $(OUT)/train.tsv $(P)/naive_matrix $(BIN)/interactions-weight
	$(call run,naive_matrix)
$(OUT)/als.model: $(OUT)/matrix.bin $(P)/als $(BIN)/als-fit
	$(call run,als,$(T))
$(OUT)/naive-als.model: $(OUT)/naive-matrix.bin $(P)/naive_als $(BIN)/als-fit
	$(call run,naive_als,$(T))
$(OUT)/als-recs.tsv: $(OUT)/als.model $(P)/recs $(BIN)/als-recommend
	$(call run,recs,$(T))
# The naive baseline serves only the report, so it recommends only for the
# users the report evaluates it on: test users (an add-to-cart in the test
# period) with history (a view or add-to-cart in training), who are all in
# the naive model.  A few thousand users instead of all of them.
$(OUT)/eval-users.tsv: $(OUT)/train.tsv $(OUT)/test.tsv
	@echo 'test users with history -> $@'
	@{ echo user; awk -F'\t' 'FNR == 1 { next } NR == FNR { \
	    if ($$3 == "view" || $$3 == "addtocart") h[$$2] = 1; next } \
	    $$3 == "addtocart" && ($$2 in h) && !s[$$2]++ { print $$2 }' \
	    $^ | sort -n; } >$(@D)/.eval-users.tsv.tmp
	@mv -f $(@D)/.eval-users.tsv.tmp $@
$(OUT)/naive-als-recs.tsv: $(OUT)/naive-als.model $(OUT)/eval-users.tsv \
    $(P)/naive_recs $(BIN)/als-recommend
	$(call run,naive_recs,$(T))
$(OUT)/recs-staged.db: $(OUT)/items.tsv $(OUT)/popular.tsv $(OUT)/als-recs.tsv $(P)/store $(BIN)/rec-blend
	$(call run,store)
$(OUT)/report.tsv: $(OUT)/train.tsv $(OUT)/test.tsv $(OUT)/items.tsv \
    $(OUT)/popular.tsv $(OUT)/naive-als-recs.tsv $(OUT)/als-recs.tsv \
    $(P)/report $(BIN)/rec-eval
	$(call run,report)
$(OUT)/replay.tsv: $(OUT)/train.tsv $(OUT)/test.tsv $(OUT)/items.tsv \
    $(OUT)/recs-staged.db $(P)/replay $(BIN)/rec-eval
	$(call run,replay)
# The store becomes recs.db, the name servers read, only once its report
# and its replay have been built: rebuilding the published build in place
# (another FACTORS, the same cutoff) never serves a store whose evaluation
# failed.
# A hard link renamed into place: no copy, and the old recs.db stays intact
# for the servers that have it open.  The reports are order-only: a new
# report of the same store changes nothing here.
$(OUT)/recs.db: $(OUT)/recs-staged.db | $(OUT)/report.tsv $(OUT)/replay.tsv
	@rm -f $(@D)/.recs.db.link
	@ln $< $(@D)/.recs.db.link 2>/dev/null || cp -p $< $(@D)/.recs.db.link
	@mv -f $(@D)/.recs.db.link $@
	@echo 'pipeline: $@ is the store just evaluated'

# ---- parameter stamps ----------------------------------------------------
# same(A,B) is non-empty when the strings A and B are equal.
same = $(and $(findstring x$1x,x$2x),$(findstring x$2x,x$1x))

# The stamp of a stage: its command for outputs in "", with the embedded
# dataset's directory named SYNTH, so that moving $(BUILD) changes none.
stamp_text = $(patsubst $(SYNTH)/%,SYNTH/%,$(call CMD_$1,))

# $(call stamp,FILE,STAGE): FILE holds the stamp of STAGE; it is out of
# date (FORCE) only when its stored content differs.
define stamp
$1: $$(if $$(call same,$$(file <$1),$$(call stamp_text,$2)),,FORCE)
	@mkdir -p $$(@D)
	@printf '%s\n' '$$(call stamp_text,$2)' >$$@.tmp && mv -f $$@.tmp $$@
endef
STAGES := items train test popular matrix naive_matrix als naive_als recs \
          naive_recs store report replay
$(foreach s,$(STAGES),$(eval $(call stamp,$(P)/$s,$s)))
ifeq ($(USING_SYNTH),yes)
$(eval $(call stamp,$(SYNTH)/.params/synth,synth))
endif
FORCE:

# ---- the programs --------------------------------------------------------
# One recursive make builds whatever is missing or stale; each program then
# counts as changed only if its file's mtime moved.  The "+" makes both
# recipes run under "make -n" too, so that -n does not list every stage as
# if all programs had been rebuilt.
ifeq ($(abspath $(BIN)),$(TOP)/bin)
$(addprefix $(BIN)/,$(PROGRAMS)): build-programs
	+@:
build-programs:
	+@$(MAKE) -s --no-print-directory -C $(TOP) all
else
$(addprefix $(BIN)/,$(PROGRAMS)):
	@echo "pipeline: $@ is missing (BIN=$(BIN))" >&2; exit 1
endif
