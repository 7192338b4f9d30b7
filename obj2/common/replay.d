obj2/common/replay.o: common/replay.c common/replay.h common/blend.h \
 common/store.h common/container.h common/rs_err.h common/eval.h \
 common/idmap.h common/items.h common/event_reader.h common/skip_bad.h \
 common/events.h
common/replay.h:
common/blend.h:
common/store.h:
common/container.h:
common/rs_err.h:
common/eval.h:
common/idmap.h:
common/items.h:
common/event_reader.h:
common/skip_bad.h:
common/events.h:
