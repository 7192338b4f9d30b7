obj2/common/serve_loop.o: common/serve_loop.c common/serve_int.h \
 common/http.h common/outbuf.h common/serve.h common/rs_err.h \
 common/serve_metrics.h common/blend.h common/store.h common/container.h \
 common/serve_routes.h
common/serve_int.h:
common/http.h:
common/outbuf.h:
common/serve.h:
common/rs_err.h:
common/serve_metrics.h:
common/blend.h:
common/store.h:
common/container.h:
common/serve_routes.h:
