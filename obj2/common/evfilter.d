obj2/common/evfilter.o: common/evfilter.c common/evfilter.h \
 common/rs_err.h common/events.h common/items.h common/idmap.h
common/evfilter.h:
common/rs_err.h:
common/events.h:
common/items.h:
common/idmap.h:
