obj2/common/weights.o: common/weights.c common/weights.h common/rs_err.h \
 common/events.h common/num.h
common/weights.h:
common/rs_err.h:
common/events.h:
common/num.h:
