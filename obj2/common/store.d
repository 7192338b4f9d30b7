obj2/common/store.o: common/store.c common/store.h common/container.h \
 common/rs_err.h common/items.h common/idmap.h common/num.h \
 common/poptsv.h common/recs.h
common/store.h:
common/container.h:
common/rs_err.h:
common/items.h:
common/idmap.h:
common/num.h:
common/poptsv.h:
common/recs.h:
