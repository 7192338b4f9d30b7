/*
 * serve_routes.h: rec-serve's HTTP endpoints, in one table.
 *
 * SERVE_ROUTES(X) lists every endpoint once as
 *   X(ID, path, label, allow, methods, handler)
 * ID names the route (ROUTE_ID, the index into the metrics' per-handler
 * counters), path is the exact request path, label is the value of the
 * "handler" label in the metrics, allow is the Allow header sent with 405,
 * methods the set of MM_* bits it answers (HEAD is answered wherever GET
 * is), and handler the function in serve_http.c that answers it.  The
 * dispatch (serve_http.c) and the metrics labels (serve_metrics.c) both
 * expand this table, so an endpoint is added here and in one handler, and
 * nowhere else.  ROUTE_NONE (label "none") counts requests that match no
 * route or fail before routing.
 *
 * A new endpoint changes the layout of the metrics file (one more row of
 * counters): bump METRICS_MAGIC with it.
 */
#ifndef RS_SERVE_ROUTES_H
#define RS_SERVE_ROUTES_H

/* Methods as bits of a route's method set (MM_* from serve_metrics.h). */
#define ROUTE_M(mm) (1u << (mm))

#define SERVE_ROUTES(X)                                                     \
	X(ROOT, "/", "/", "GET, HEAD", ROUTE_M(MM_GET), handle_root)        \
	X(RECS, "/recs", "/recs", "GET, HEAD, POST",                        \
	    ROUTE_M(MM_GET) | ROUTE_M(MM_POST), handle_recs)                \
	X(METRICS, "/metrics", "/metrics", "GET, HEAD", ROUTE_M(MM_GET),    \
	    handle_metrics)

#define SERVE_ROUTE_ENUM(id, path, label, allow, methods, fn) ROUTE_##id,
enum { SERVE_ROUTES(SERVE_ROUTE_ENUM) ROUTE_NONE, N_ROUTES };
#undef SERVE_ROUTE_ENUM

#endif
