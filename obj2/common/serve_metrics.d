obj2/common/serve_metrics.o: common/serve_metrics.c \
 common/serve_metrics.h common/blend.h common/store.h common/container.h \
 common/rs_err.h common/outbuf.h common/serve_routes.h
common/serve_metrics.h:
common/blend.h:
common/store.h:
common/container.h:
common/rs_err.h:
common/outbuf.h:
common/serve_routes.h:
