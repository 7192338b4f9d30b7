obj2/common/poptsv.o: common/poptsv.c common/poptsv.h common/rs_err.h \
 common/idmap.h common/num.h common/popular.h common/events.h \
 common/interactions.h common/matrix.h common/comm.h common/container.h \
 common/weights.h common/items.h common/tsv.h common/infile.h
common/poptsv.h:
common/rs_err.h:
common/idmap.h:
common/num.h:
common/popular.h:
common/events.h:
common/interactions.h:
common/matrix.h:
common/comm.h:
common/container.h:
common/weights.h:
common/items.h:
common/tsv.h:
common/infile.h:
