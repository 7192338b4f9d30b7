obj2/cmd/rec-serve.o: cmd/rec-serve.c common/cli.h common/rs_err.h \
 common/num.h common/outfile.h common/rs_err.h common/serve.h \
 common/serve_metrics.h common/blend.h common/store.h common/container.h \
 common/outbuf.h common/serve_routes.h
common/cli.h:
common/rs_err.h:
common/num.h:
common/outfile.h:
common/rs_err.h:
common/serve.h:
common/serve_metrics.h:
common/blend.h:
common/store.h:
common/container.h:
common/outbuf.h:
common/serve_routes.h:
