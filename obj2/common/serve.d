obj2/common/serve.o: common/serve.c common/serve.h common/rs_err.h \
 common/serve_metrics.h common/blend.h common/store.h common/container.h \
 common/outbuf.h common/serve_routes.h common/serve_int.h common/http.h
common/serve.h:
common/rs_err.h:
common/serve_metrics.h:
common/blend.h:
common/store.h:
common/container.h:
common/outbuf.h:
common/serve_routes.h:
common/serve_int.h:
common/http.h:
