obj2/common/http.o: common/http.c common/http.h
common/http.h:
