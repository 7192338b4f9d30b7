obj2/common/blend.o: common/blend.c common/blend.h common/store.h \
 common/container.h common/rs_err.h
common/blend.h:
common/store.h:
common/container.h:
common/rs_err.h:
