# config.mk: build choices, read by the Makefile.  Override on the command
# line ("make BLAS=netlib") or edit here.
#
# BLAS: the CBLAS the ALS solver links (cblas_ssyrk and friends).
#   openblas  libopenblas-dev (default; kept single-threaded inside our own
#             thread pool)
#   netlib    the reference BLAS and CBLAS (libblas-dev), slower
BLAS ?= openblas

ifeq ($(BLAS),openblas)
BLAS_LIBS = -lopenblas
BLAS_CFLAGS =
else ifeq ($(BLAS),netlib)
BLAS_LIBS = -lblas
BLAS_CFLAGS = -DRS_BLAS_NETLIB
else
$(error config.mk: BLAS=$(BLAS): expected openblas or netlib)
endif
