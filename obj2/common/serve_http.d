obj2/common/serve_http.o: common/serve_http.c common/blend.h \
 common/store.h common/container.h common/rs_err.h common/serve_int.h \
 common/http.h common/outbuf.h common/serve.h common/serve_metrics.h \
 common/serve_routes.h
common/blend.h:
common/store.h:
common/container.h:
common/rs_err.h:
common/serve_int.h:
common/http.h:
common/outbuf.h:
common/serve.h:
common/serve_metrics.h:
common/serve_routes.h:
