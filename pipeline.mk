# pipeline.mk: the offline pipeline of recsys-ecom, from the raw
# Retailrocket CSVs to the serving store and the evaluation report.  It
# stands in for the original system's DVC pipeline (dvc.yaml, params.yaml
# and build_date.yaml) and its MLflow tracking; recsys-pipeline(7) is its
# manual.  It needs GNU make 4.3 or later (grouped targets, $(file <)).
#
#   make -f pipeline.mk [CUTOFF=2015-09-01] [DATA=data] [BUILD=build]
#        [VIEW_WEIGHT=0.25 CART_WEIGHT=0.75 FACTORS=50 ITERATIONS=50
#         REG=0.05 ALPHA=1 N_RECS=50 SEED=123 SIM_...=... THREADS=N] [target]
#
# Targets: all (default: the run: stores, reports, ledger row), report
# (prints the reports as tables), publish (points $(BUILD)/current at this
# run), where (prints this run's directory), clean (removes this run's
# directory), gc (removes the cached stages no run uses).
#
# Two stores are built, one per blend rule: the session rule over item-sim's
# neighbours (session-recs.db) and the original service's seed rule
# (seed-recs.db).  Both are replayed at every test cart; the one with more
# hits at 5 over all test carts wins (the seed rule on a tie), and the
# run's recs.db, the store that publish serves, is that one
# (scripts/pipeline-winner; winner.tsv and the ledger's "winner" field).
#
# Runs keyed by their parameters (DVC's run cache).  Each stage writes into
# its own directory, $(BUILD)/cache/STAGE-KEY, where KEY is a short hash of
# exactly what the stage depends on: its command line (without the program
# directory, the thread count and -v, with the paths under $(BUILD) made
# relative), which names the directories of the stages it reads (and so
# their keys), and, for a stage that reads the data files, their paths,
# sizes and mtimes.  Two parameter sets therefore never share a mutable
# file; a stage whose inputs and parameters did not change keeps its
# directory and is not rerun; and going back to earlier parameters finds
# their directories built.  A run is (data, CUTOFF, every parameter): its
# directory $(BUILD)/runs/CUTOFF-KEY holds hard links to its artifacts and
# run.tsv, and completing it appends one row to the ledger
# $(BUILD)/runs.tsv.  Only "publish" changes $(BUILD)/current.  The
# programs are prerequisites too: rebuilding one (after a code change)
# reruns the stages it drives, in their directories, as DVC does for code
# dependencies.
#
# Interruptions: every program writes "-o FILE" to a temporary file and
# renames it into place, so a run killed at any moment (even by SIGKILL)
# leaves either the previous artifact or the complete new one, never a
# partial file that make could take as up to date.  SIGKILL can leave the
# program's temporary file (".NAME.XXXXXX"); the stage removes its own
# leftovers before it starts again (scripts/pipeline-stage).

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
# item-sim's parameters (its defaults), for the session rule's neighbours.
SIM_WEIGHTS     ?= view=0.25,addtocart=0.75,transaction=0
SIM_NEIGHBOURS  ?= 50
SIM_SCORE       ?= count
SIM_BETA        ?= 0.5
SIM_MIN_SUPPORT ?= 1
SIM_SESSION_GAP ?= 30
SIM_SCOPE       ?= session
SIM_SESSION_CAP ?= 100
SIM_HALF_LIFE   ?= 0
# COUNT_DUPLICATES=1 makes report.tsv count every cart row, as the
# original notebook did (rec-eval --count-duplicates), for figures that
# compare exactly with its table; the default counts distinct items.
COUNT_DUPLICATES ?=
# Threads for als-fit, als-recommend and item-sim; empty means all cores.  Not a
# parameter of the result (the model is identical for any thread count),
# so changing it reruns nothing.
THREADS     ?=
# VERBOSE=1 passes -v to every program (progress and counts on stderr).
VERBOSE     ?=
# A command prefix for every program (nice, a timer): RUN="nice -n 10".
RUN         ?=

SYNTH_EVENTS ?= 300000
SYNTH_SEED   ?= 123

# The programs: by default the repository's bin/, built when needed.  With
# BIN set to another directory (an installed prefix, the sanitizer build)
# the programs there are used as they are.
TOP := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
BIN ?= $(TOP)/bin

CACHE := $(BUILD)/cache
STAGE := $(TOP)/scripts/pipeline-stage
START := $(shell date -u +%Y-%m-%dT%H:%M:%SZ)

# A cutoff is a calendar date or @MILLIS, checked before anything is made:
# a bad one leaves no directory behind.
ifeq ($(filter clean gc,$(MAKECMDGOALS)),)
ifneq ($(shell case '$(subst ','',$(CUTOFF))' in (@[0-9]*[!0-9]*) ;; (@[0-9]*) echo ok ;; \
    ([0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]) \
    [ "$$(date -u -d '$(CUTOFF)' +%F 2>/dev/null)" = '$(CUTOFF)' ] && echo ok ;; esac),ok)
$(error pipeline: CUTOFF: use YYYY-MM-DD (a real date) or @MILLIS, not "$(CUTOFF)")
endif
endif

# hash(TEXT): the 10 hex digits that name a stage's or a run's directory.
hash = $(shell printf '%s' '$(subst ','\'',$1)' | sha256sum | cut -c1-10)
# ident(FILES): what identifies data files without reading them: path,
# size and mtime, as make itself judges them.
ident = $(if $1,$(shell stat -L -c '%n:%s:%Y' $1 2>/dev/null))

# ---- inputs --------------------------------------------------------------
# Plain or gzip, the programs read both.  A part present both ways would be
# read twice, so that is refused.  An unset DATA with no events in data/
# falls back to the embedded synthetic dataset; a DATA given on the command
# line or in the environment must be a directory holding the data.
have = $(firstword $(wildcard $(DATA)/$1 $(DATA)/$1.gz))
EVENTS := $(call have,events.csv)
ifeq ($(EVENTS),)
ifneq ($(filter command environment,$(firstword $(origin DATA))),)
ifeq ($(wildcard $(DATA)/.),)
$(error pipeline: DATA=$(DATA): no such directory)
endif
$(error pipeline: DATA=$(DATA): no events.csv[.gz] in it (leave DATA unset for the embedded synthetic data))
endif
USING_SYNTH := yes
CMD_synth    = ev-synth -s $(SYNTH_SEED) --events $(SYNTH_EVENTS) -o $(or $(1:/=),.)
SYNTH       ?= $(CACHE)/synth-$(call hash,$(call CMD_synth,))
EVENTS      := $(SYNTH)/events.csv
PROPS       := $(SYNTH)/item_properties_part1.csv $(SYNTH)/item_properties_part2.csv
TREE        := $(SYNTH)/category_tree.csv
DATA_IDENT   =
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
DATA_IDENT = $(call ident,$1)
endif

ifeq ($(USING_SYNTH),yes)
ifeq ($(filter clean gc where,$(MAKECMDGOALS)),)
$(info pipeline: no events.csv in $(DATA)/: using the embedded default, ev-synth --events $(SYNTH_EVENTS) -s $(SYNTH_SEED) in $(SYNTH)/)
endif
endif

# ---- stage commands ------------------------------------------------------
# $(call CMD_STAGE,DIR/) is the command of a stage whose outputs are in
# DIR, without the program directory; its inputs are named by the
# directories of the stages that make them, D_STAGE below.
V := $(if $(VERBOSE),-v)
T := $(if $(THREADS),-t $(THREADS))
WEIGHTS       := view=$(VIEW_WEIGHT),addtocart=$(CART_WEIGHT),transaction=0
NAIVE_WEIGHTS := view=1,addtocart=1,transaction=0
ALS_PARAMS     = -f $(FACTORS) -r $(REG) -i $(ITERATIONS) -a $(ALPHA) -s $(SEED)

CMD_inputs       = sh $(TOP)/scripts/pipeline-inputs -o $1inputs.tsv \
                   $(EVENTS) $(PROPS) $(TREE)
CMD_items        = catalog-snapshot --at $(CUTOFF) --tree $(TREE) -o $1items.tsv $(PROPS)
CMD_train        = ev-filter --until $(CUTOFF) --items $(D_items)/items.tsv \
                   -o $1train.tsv $(EVENTS)
CMD_test         = ev-filter --from $(CUTOFF) -o $1test.tsv $(EVENTS)
CMD_popular      = pop-rank --items $(D_items)/items.tsv -o $1popular.tsv $(D_train)/train.tsv
CMD_matrix       = interactions-weight -w $(WEIGHTS) -o $1matrix.bin $(D_train)/train.tsv
CMD_naive_matrix = interactions-weight -w $(NAIVE_WEIGHTS) -o $1naive-matrix.bin \
                   $(D_train)/train.tsv
CMD_als          = als-fit $(ALS_PARAMS) --loss -o $1als.model $(D_matrix)/matrix.bin
CMD_naive_als    = als-fit $(ALS_PARAMS) -o $1naive-als.model $(D_naive_matrix)/naive-matrix.bin
CMD_recs         = als-recommend -n $(N_RECS) -o $1als-recs.tsv $(D_als)/als.model
CMD_eval_users   = sh $(TOP)/scripts/pipeline-eval-users -o $1eval-users.tsv \
                   $(D_train)/train.tsv $(D_test)/test.tsv
CMD_naive_recs   = als-recommend -n $(N_RECS) --users $(D_eval_users)/eval-users.tsv \
                   -o $1naive-als-recs.tsv $(D_naive_als)/naive-als.model
SIM_PARAMS     = -w $(SIM_WEIGHTS) -n $(SIM_NEIGHBOURS) --score $(SIM_SCORE) \
                 --beta $(SIM_BETA) --min-support $(SIM_MIN_SUPPORT) \
                 --session-gap $(SIM_SESSION_GAP) --scope $(SIM_SCOPE) \
                 --session-cap $(SIM_SESSION_CAP) --half-life $(SIM_HALF_LIFE)
CMD_sims         = item-sim $(SIM_PARAMS) -o $1sims.bin $(D_train)/train.tsv
# blend(RULE,OPTIONS,OUTPUT): a store of the run's lists by RULE.
blend            = rec-blend --rule $1 $2--items $(D_items)/items.tsv \
                   --popular $(D_popular)/popular.tsv --personal $(D_recs)/als-recs.tsv \
                   -n $(N_RECS) -c $(CUTOFF) -o $3
CMD_store_session = $(call blend,session,--similar $(D_sims)/sims.bin ,$1session-recs.db)
CMD_store_seed   = $(call blend,seed,,$1seed-recs.db)
CMD_report       = rec-eval --train $(D_train)/train.tsv --test $(D_test)/test.tsv \
                   --items $(D_items)/items.tsv --popular $(D_popular)/popular.tsv \
                   --recs naive_als=$(D_naive_recs)/naive-als-recs.tsv \
                   --recs weighted_als=$(D_recs)/als-recs.tsv \
                   $(if $(COUNT_DUPLICATES),--count-duplicates )--curves $1curves.tsv \
                   -o $1report.tsv
CMD_train_stats  = ev-stats -o $1train-stats.tsv $(D_train)/train.tsv
CMD_test_stats   = ev-stats -o $1test-stats.tsv $(D_test)/test.tsv
CMD_html         = sh $(TOP)/scripts/pipeline-report-html -o $1report.html \
                   -r $(D_report)/report.tsv -c $(D_report)/curves.tsv \
                   -p $(D_replay)/replay.tsv -w $(D_winner)/winner.tsv -l $(D_als)/.log \
                   -t $(D_train_stats)/train-stats.tsv -T $(D_test_stats)/test-stats.tsv \
                   $(foreach p,$(PARAMS),-P '$p=$(subst ','\'',$($p))') \
                   $(foreach s,$(filter-out html,$(STAGES)),-s $(D_$s))
CMD_replay       = rec-eval --train $(D_train)/train.tsv --test $(D_test)/test.tsv \
                   --items $(D_items)/items.tsv \
                   --replay seed=$(D_store_seed)/seed-recs.db \
                   --replay session=$(D_store_session)/session-recs.db \
                   -o $1replay.tsv
CMD_winner       = sh $(TOP)/scripts/pipeline-winner -o $1winner.tsv $(D_replay)/replay.tsv

# The stages, each after those it reads: STAGE:PROGRAM:OUTPUT (PROGRAM
# "-" for a helper script), and the data files the first ones read.
STAGE_TABLE := inputs:-:inputs.tsv items:catalog-snapshot:items.tsv \
    train:ev-filter:train.tsv test:ev-filter:test.tsv \
    popular:pop-rank:popular.tsv matrix:interactions-weight:matrix.bin \
    naive_matrix:interactions-weight:naive-matrix.bin als:als-fit:als.model \
    naive_als:als-fit:naive-als.model recs:als-recommend:als-recs.tsv \
    eval_users:-:eval-users.tsv naive_recs:als-recommend:naive-als-recs.tsv \
    sims:item-sim:sims.bin store_session:rec-blend:session-recs.db \
    store_seed:rec-blend:seed-recs.db report:rec-eval:report.tsv \
    replay:rec-eval:replay.tsv winner:-:winner.tsv \
    train_stats:ev-stats:train-stats.tsv test_stats:ev-stats:test-stats.tsv \
    html:-:report.html
field = $(word $2,$(subst :, ,$1))
STAGES := $(foreach t,$(STAGE_TABLE),$(call field,$t,1))
$(foreach t,$(STAGE_TABLE),$(eval PROG_$(call field,$t,1) := $(filter-out -,$(call field,$t,2))))
$(foreach t,$(STAGE_TABLE),$(eval OUT_$(call field,$t,1) := $(call field,$t,3)))
DATA_inputs := $(EVENTS) $(PROPS) $(TREE)
DATA_items  := $(PROPS) $(TREE)
DATA_train  := $(EVENTS)
DATA_test   := $(EVENTS)
# Threads are not a parameter of the result.
EXTRA_als        = $(T)
EXTRA_naive_als  = $(T)
EXTRA_recs       = $(T)
EXTRA_naive_recs = $(T)
EXTRA_sims       = $(T)

# The parameters of a run, for its ledger row and its page.
PARAMS := CUTOFF DATA VIEW_WEIGHT CART_WEIGHT FACTORS ITERATIONS REG ALPHA \
          N_RECS SEED COUNT_DUPLICATES SIM_WEIGHTS SIM_NEIGHBOURS SIM_SCORE \
          SIM_BETA SIM_MIN_SUPPORT SIM_SESSION_GAP SIM_SCOPE SIM_SESSION_CAP \
          SIM_HALF_LIFE $(if $(USING_SYNTH),SYNTH_EVENTS SYNTH_SEED)

PROGRAMS := ev-synth $(sort $(foreach s,$(STAGES),$(PROG_$s)))

# The stamp of a stage: its command for outputs in "", the paths under
# $(CACHE) and under the clone ($(TOP): its scripts) relative, and the
# identity of the data files it reads.  Its hash names the stage's
# directory, so a clone moved or copied elsewhere finds its runs again.
stamp_text = $(subst $(TOP)/,,$(subst $(CACHE)/,,$(call CMD_$1,) $(call DATA_IDENT,$(DATA_$1))))
define keyed
D_$1 := $(CACHE)/$1-$(call hash,$(call stamp_text,$1))
endef
$(foreach s,$(STAGES),$(eval $(call keyed,$s)))
# F_: a stage's output; S_: its record of completion (pipeline-stage
# writes it last), the stage's target; U_: the checksums of its outputs,
# for the ledger, made by a rule of their own after the stage.
F_ = $(D_$1)/$(OUT_$1)
S_ = $(D_$1)/.stage.tsv
U_ = $(D_$1)/.sums

# A run is every stage: its key hashes their directories' names (but the
# page's, which is made from the others and names the run).
RUN_ID := $(CUTOFF)-$(call hash,$(foreach s,$(filter-out html,$(STAGES)),$(notdir $(D_$s))))
R      := $(BUILD)/runs/$(RUN_ID)
LEDGER := $(BUILD)/runs.tsv
# What the run's directory holds: links to these, recs.db (a link to the
# winning store) and run.tsv.
RUN_ARTIFACTS := items train test popular matrix naive_matrix als naive_als \
                 recs eval_users naive_recs sims store_session store_seed \
                 report replay winner train_stats test_stats html

# ---- targets -------------------------------------------------------------
all: $(R)/run.tsv

# The two reports as aligned tables, in percent, with titles and the
# one-line reading; the page is report.html.
report: all
	@echo "pipeline: run $(RUN_ID)$(if $(USING_SYNTH), (embedded synthetic data)) in $(R)/"
	@echo; echo "The original's offline metrics, in % (report.tsv):"; echo
	@awk -f $(TOP)/scripts/report-table.awk $(R)/report.tsv
	@echo; awk -f $(TOP)/scripts/report-reading.awk $(R)/report.tsv | fold -s -w 78 | sed 's/ *$$//'
	@echo; echo "Both blend rules replayed at every test cart, hit@5 by source, in % (replay.tsv):"; echo
	@awk -f $(TOP)/scripts/report-table.awk $(R)/replay.tsv
	@echo; awk -f $(TOP)/scripts/report-winner.awk $(R)/winner.tsv | fold -s -w 78 | sed 's/ *$$//'
	@echo; echo "The page, with the curves, the ALS loss and the data's profile: $(R)/report.html"

# $(BUILD)/current is replaced by rename(2), so a reader (rec-serve opening
# current/recs.db) sees the old run or the new one, never neither.  The
# link is relative so that $(BUILD) can be moved.
publish: all
	@ln -sfn runs/$(RUN_ID) $(BUILD)/.current.$$$$ && \
	    mv -Tf $(BUILD)/.current.$$$$ $(BUILD)/current
	@echo "pipeline: $(BUILD)/current -> runs/$(RUN_ID)" \
	    "($$(sed -n 's/^winner\t//p' $(R)/run.tsv) rule)"

where:
	@echo $(R)

clean:
	@if [ "$$(readlink $(BUILD)/current 2>/dev/null)" = "runs/$(RUN_ID)" ]; then \
	    echo "pipeline: $(R) is published as $(BUILD)/current;" \
	        "publish another run first" >&2; exit 1; fi
	rm -rf $(R)

# A cached stage is in use while a run links one of its outputs (the link
# count of the file is above 1); gc removes the stage directories of which
# no output is in use.  The embedded dataset is kept.
gc:
	@for d in $(CACHE)/*-*/; do d=$${d%/}; \
	    case $${d##*/} in synth-*) continue ;; esac; \
	    [ -n "$$(find $$d -maxdepth 1 -type f ! -name '.*' -links +1 | head -n 1)" ] || \
	    { rm -rf $$d && echo "pipeline: removed $$d"; }; done

.PHONY: all report publish where clean gc build-programs FORCE
.DELETE_ON_ERROR:

# ---- stages --------------------------------------------------------------
# The checksums of a stage's outputs (.sums, for the ledger) are taken by a
# rule of their own once the stage is complete, not by the stage: only the
# run's row waits for them, so with -j2 the MD5 of a large output (the
# personal lists) is taken beside the stages that read it, not before
# them.  Not a program of the pipeline: not run under $(RUN).
ifeq ($(USING_SYNTH),yes)
$(EVENTS) $(PROPS) $(TREE) &: $(BIN)/ev-synth
	@$(STAGE) synth $(SYNTH) '$(subst $(CACHE)/,,$(call CMD_synth,))' \
	    $(RUN) $(BIN)/$(call CMD_synth,$(SYNTH)/) $(V)
	@touch $(EVENTS) $(PROPS) $(TREE)
$(SYNTH)/.sums: $(EVENTS) $(PROPS) $(TREE)
	@$(STAGE) --sums $(SYNTH)
endif

# $(call stage_rule,STAGE,PREREQUISITES): the rule of a stage: its output
# from the outputs of the stages it reads, its data files and its program,
# run by scripts/pipeline-stage in the stage's directory.
define stage_rule
$$(call S_,$1): $2 $$(DATA_$1) $$(if $$(PROG_$1),$$(BIN)/$$(PROG_$1))
	@$$(STAGE) $1 $$(D_$1) '$$(call stamp_text,$1)' \
	    $$(RUN) $$(if $$(PROG_$1),$$(BIN)/)$$(call CMD_$1,$$(D_$1)/) $$(V) $$(EXTRA_$1)
$$(call U_,$1): $$(call S_,$1)
	@$$(STAGE) --sums $$(D_$1)
endef
deps = $(foreach s,$1,$(call S_,$s))
$(eval $(call stage_rule,inputs,$(TOP)/scripts/pipeline-inputs))
$(eval $(call stage_rule,items,))
$(eval $(call stage_rule,train,$(call deps,items)))
$(eval $(call stage_rule,test,))
$(eval $(call stage_rule,popular,$(call deps,train items)))
$(eval $(call stage_rule,matrix,$(call deps,train)))
$(eval $(call stage_rule,naive_matrix,$(call deps,train)))
$(eval $(call stage_rule,als,$(call deps,matrix)))
$(eval $(call stage_rule,naive_als,$(call deps,naive_matrix)))
$(eval $(call stage_rule,recs,$(call deps,als)))
# The naive baseline serves only the report, so it recommends only for the
# users the report evaluates it on: test users (an add-to-cart in the test
# period) with history (a view or add-to-cart in training), who are all in
# the naive model.  A few thousand users instead of all of them.
$(eval $(call stage_rule,eval_users,$(call deps,train test) $(TOP)/scripts/pipeline-eval-users))
$(eval $(call stage_rule,naive_recs,$(call deps,naive_als eval_users)))
$(eval $(call stage_rule,sims,$(call deps,train)))
$(eval $(call stage_rule,store_session,$(call deps,items popular recs sims)))
$(eval $(call stage_rule,store_seed,$(call deps,items popular recs)))
$(eval $(call stage_rule,report,$(call deps,train test items popular naive_recs recs)))
$(eval $(call stage_rule,replay,$(call deps,train test items store_seed store_session)))
# The store the run serves: the rule with more replay hits at 5.
$(eval $(call stage_rule,winner,$(call deps,replay) $(TOP)/scripts/pipeline-winner))
# The data profiles (the original's EDA) of both periods.
$(eval $(call stage_rule,train_stats,$(call deps,train)))
$(eval $(call stage_rule,test_stats,$(call deps,test)))
# The run's page: every figure above, plotted by gnuplot.
$(eval $(call stage_rule,html,$(call deps,report replay winner als train_stats test_stats) \
    $(TOP)/scripts/pipeline-report-html $(TOP)/scripts/report-reading.awk \
    $(TOP)/scripts/report-winner.awk))

# The run: its directory gets hard links to every artifact once the
# stores, the reports and the replay are built, and recs.db, a link to the
# winning store, so a run directory never serves a store whose evaluation
# failed; then its row goes into the ledger, with the checksums of every
# stage's outputs.  Rebuilding a stage of the run (a program changed), or
# the checksums of one, makes it again and appends a new row.  The stages
# are listed before all the checksums, so that make -j2 starts a stage
# that is ready before any checksum: these fill the cores the stages
# leave idle (beside the single-threaded stores and replay) instead of
# holding up a stage.
$(R)/run.tsv: $(call deps,$(STAGES)) $(foreach s,$(STAGES),$(call U_,$s)) \
    $(if $(USING_SYNTH),$(SYNTH)/.sums) $(TOP)/scripts/pipeline-run
	@$(TOP)/scripts/pipeline-run -r $(R) -l $(LEDGER) -t $(START) -g $(TOP) \
	    $(foreach p,$(PARAMS),-p '$p=$(subst ','\'',$($p))') \
	    -n $(call F_,inputs) \
	    $(if $(USING_SYNTH),-d $(SYNTH)) $(foreach s,$(STAGES),-d $(D_$s)) \
	    $(foreach s,$(RUN_ARTIFACTS),-a $(call F_,$s)) -a $(D_report)/curves.tsv \
	    -m $(call F_,report) -m $(call F_,replay) -w $(call F_,winner)
	@echo 'pipeline: run $(RUN_ID) in $(R), row appended to $(LEDGER)'

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
