obj2/cmd/pop-rank.o: cmd/pop-rank.c common/outfile.h common/rs_err.h \
 common/cli.h common/rs_err.h common/event_reader.h common/skip_bad.h \
 common/events.h common/events.h common/items.h common/idmap.h \
 common/popular.h common/interactions.h common/matrix.h common/comm.h \
 common/container.h common/weights.h common/items.h common/weights.h
common/outfile.h:
common/rs_err.h:
common/cli.h:
common/rs_err.h:
common/event_reader.h:
common/skip_bad.h:
common/events.h:
common/events.h:
common/items.h:
common/idmap.h:
common/popular.h:
common/interactions.h:
common/matrix.h:
common/comm.h:
common/container.h:
common/weights.h:
common/items.h:
common/weights.h:
