obj2/common/csv_reader.o: common/csv_reader.c common/csv_reader.h \
 common/rs_err.h common/infile.h common/bytemask.h
common/csv_reader.h:
common/rs_err.h:
common/infile.h:
common/bytemask.h:
