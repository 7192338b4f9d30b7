obj2/common/serve_request.o: common/serve_request.c common/json.h \
 common/num.h common/serve_int.h common/http.h common/outbuf.h \
 common/serve.h common/rs_err.h common/serve_metrics.h common/blend.h \
 common/store.h common/container.h common/serve_routes.h
common/json.h:
common/num.h:
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
