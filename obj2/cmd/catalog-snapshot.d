obj2/cmd/catalog-snapshot.o: cmd/catalog-snapshot.c common/outfile.h \
 common/rs_err.h common/skip_bad.h common/catalog.h common/skip_bad.h \
 common/idmap.h common/cli.h common/rs_err.h
common/outfile.h:
common/rs_err.h:
common/skip_bad.h:
common/catalog.h:
common/skip_bad.h:
common/idmap.h:
common/cli.h:
common/rs_err.h:
