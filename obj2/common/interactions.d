obj2/common/interactions.o: common/interactions.c common/interactions.h \
 common/rs_err.h common/matrix.h common/comm.h common/container.h \
 common/weights.h common/events.h common/radix.h common/tsv.h \
 common/infile.h
common/interactions.h:
common/rs_err.h:
common/matrix.h:
common/comm.h:
common/container.h:
common/weights.h:
common/events.h:
common/radix.h:
common/tsv.h:
common/infile.h:
