/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mpool_fuzz: what its files share (fuzz_main.c: options, processes,
 * threads, replay and the final checks; fuzz_io.c: random numbers, the
 * errno table, doio() and holding blocks; fuzz_ops.c: the valid
 * operations; fuzz_map.c: MAP and mmap(); fuzz_mutate.c: the mutated and
 * random ones).
 */
#ifndef FUZZ_H
#define FUZZ_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mpool_ioctl.h"
#include "../mptest.h"

#define DEV "/dev/mempool"
#define PAGE 4096UL
#define NSTABLE 4
#define NVOL 6
#define MAXW 256		/* most workers */
#define HELD_MAX 1024		/* most blocks a worker holds per pool */
#define PRIV_BLOCKS 64
#define MAXERR 256
#define NCMD 17			/* command nrs counted: 0..0x0f, rest in 16 */
#define FAIL_PRINT_MAX 10

struct stable_pool {
	const char *name;
	uint32_t bs, n, align, flags;
};

extern const struct stable_pool stable[NSTABLE];

/* Shared between the parent and every worker process. */
struct shm {
	int arrived;		/* workers done with their operations */
	int phase;		/* 1: the parent has checked, free and exit */
	int capped;		/* a worker stopped at the time cap */
	long ops[MAXW];
	long fails[MAXW];
	long held[MAXW][NSTABLE];
	long hist[MAXW][MAXERR];
	long cmdhist[MAXW][NCMD];
	long lost_efault[MAXW];	/* ALLOCs refused with EFAULT (undone) */
	long verified[MAXW];	/* blocks whose pattern was checked */
	/* owned blocks of stable pools left for the worker's close to free */
	long left_owned[MAXW][NSTABLE];
};

struct fuzz_opt {
	long ops;
	int procs, threads, seconds;
	uint64_t seed;
	long replay_op;
	int worker;
	int verbose;
	int miscount;
	uint64_t max_bytes;
};

extern struct fuzz_opt opt;
extern struct shm *shm;
extern int shared_fd;		/* closed and reopened under the workers */
extern struct timespec deadline;
extern int nworkers;

/* Handles held; owned[i]: off[i] is MPOOL_ALLOC_OWNED by the worker's fd. */
struct held {
	uint64_t off[HELD_MAX];
	bool owned[HELD_MAX];
	bool given[HELD_MAX];	/* its owner GAVE it, nobody took it */
	int n;
};

struct worker {
	int id;
	int fd, rofd;
	int fd2;		/* a second writable file: TAKEs and gives back */
	char priv[MPOOL_IOC_NAME_MAX];
	struct held s[NSTABLE];
	struct held p;			/* blocks held in the private pool */
	uint64_t pfreed[PRIV_BLOCKS];	/* handles freed in it, for double frees */
	int npfreed;
	struct held v[NVOL];		/* not counted: the pool may be recreated */
	unsigned char *arena;		/* RW RW NONE RO pages */
	uint64_t rng;
	long opno;
	int printed;
	const char *what;		/* the operation, for messages */
	bool replay;
};

enum fdkind { FD_OWN, FD_SHARED, FD_RO, FD_OWN2 };

/* fuzz_io.c */
uint64_t splitmix(uint64_t *x);
uint64_t rnd(struct worker *w);
uint32_t rn(struct worker *w, uint32_t n);
bool chance(struct worker *w, unsigned int pct);
bool past_deadline(void);
const char *ename(int e);
void wfail(struct worker *w, const char *fmt, ...);
bool needs_write(unsigned int nr);
bool cmd_known(unsigned int nr);
const char *cmdname(unsigned int nr);
int doio(struct worker *w, enum fdkind fk, unsigned long cmd, void *arg,
	 int expect);
void held_add(struct held *h, uint64_t off, bool owned);
void held_del(struct held *h, int i);
int rw_block(struct worker *w, enum fdkind fk, unsigned long cmd,
	     const char *pool, uint64_t off, void *buf, uint32_t len,
	     uint32_t pos, int expect);
void write_pattern(struct worker *w, int pool, uint64_t off);
void verify_pattern(struct worker *w, int pool, uint64_t off);
int free_offsets(struct worker *w, const char *pool, const uint64_t *offs,
		 int n, int want_result, int expect);
int alloc_into(struct worker *w, enum fdkind fk, const char *pool,
	       struct held *h, uint32_t count, uint32_t timeout_ms,
	       bool owned);
int stats_of(struct worker *w, enum fdkind fk, const char *pool,
	     struct mpool_ioc_stats *s, int expect);
int handover(struct worker *w, enum fdkind fk, unsigned long cmd,
	     const char *pool, const uint64_t *offs, int n,
	     const int32_t *want, int expect);
int debug_modes(struct worker *w, enum fdkind fk, const char *pool,
		uint32_t on, uint32_t off, int quarantine, int expect);

/* fuzz_ops.c */
const char *vol_name(int i);
void one_op(struct worker *w);

/* fuzz_map.c */
void op_map(struct worker *w);

/* fuzz_mutate.c */
void op_mutate(struct worker *w);
void op_random(struct worker *w);

#endif /* FUZZ_H */
