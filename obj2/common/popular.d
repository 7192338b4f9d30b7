obj2/common/popular.o: common/popular.c common/popular.h common/rs_err.h \
 common/events.h common/interactions.h common/matrix.h common/comm.h \
 common/container.h common/weights.h common/items.h common/idmap.h \
 common/radix.h common/tsv.h common/infile.h
common/popular.h:
common/rs_err.h:
common/events.h:
common/interactions.h:
common/matrix.h:
common/comm.h:
common/container.h:
common/weights.h:
common/items.h:
common/idmap.h:
common/radix.h:
common/tsv.h:
common/infile.h:
