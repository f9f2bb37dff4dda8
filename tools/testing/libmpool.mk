# SPDX-License-Identifier: GPL-2.0
# libmpool.mk: the build of the test programs that speak through libmpool,
# static binaries for the test VM linked with tools/lib/mpool/libmpool.a.
# A directory's Makefile sets PROGS (what "all" builds and "clean"
# removes) and, if some of them do not link the library, LIBMPOOL_PROGS,
# then includes this file; mpool_NAME is built from mpool_NAME.c.
CC ?= gcc
CFLAGS ?= -O2
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -pthread
TESTING := $(dir $(lastword $(MAKEFILE_LIST)))
LIB := $(TESTING)../lib/mpool
UAPI := $(TESTING)../../include/uapi
CPPFLAGS += -I$(LIB) -I$(UAPI)
DEPS := $(LIB)/libmpool.a $(LIB)/libmpool.h $(TESTING)mptest.h \
	$(UAPI)/mpool_ioctl.h $(UAPI)/mpool_stat_list.h
LIBMPOOL_PROGS ?= $(PROGS)

all: $(PROGS)

$(LIB)/libmpool.a: FORCE
	$(MAKE) -C $(LIB) libmpool.a

$(LIBMPOOL_PROGS): %: %.c $(DEPS)
	$(CC) $(CPPFLAGS) $(CFLAGS) -static -o $@ $< $(LIB)/libmpool.a $(LDFLAGS)

clean:
	rm -f $(PROGS)

FORCE:
.PHONY: all clean FORCE
