obj2/cmd/rec-eval.o: cmd/rec-eval.c common/outfile.h common/rs_err.h \
 common/cli.h common/rs_err.h common/eval.h common/idmap.h common/items.h \
 common/items.h common/poptsv.h common/replay.h common/blend.h \
 common/store.h common/container.h common/eval.h common/store.h \
 common/table.h
common/outfile.h:
common/rs_err.h:
common/cli.h:
common/rs_err.h:
common/eval.h:
common/idmap.h:
common/items.h:
common/items.h:
common/poptsv.h:
common/replay.h:
common/blend.h:
common/store.h:
common/container.h:
common/eval.h:
common/store.h:
common/table.h:
