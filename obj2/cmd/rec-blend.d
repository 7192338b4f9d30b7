obj2/cmd/rec-blend.o: cmd/rec-blend.c common/cli.h common/rs_err.h \
 common/rs_err.h common/num.h common/store.h common/container.h
common/cli.h:
common/rs_err.h:
common/rs_err.h:
common/num.h:
common/store.h:
common/container.h:
