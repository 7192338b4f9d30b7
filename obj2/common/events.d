obj2/common/events.o: common/events.c common/events.h common/rs_err.h \
 common/num.h
common/events.h:
common/rs_err.h:
common/num.h:
