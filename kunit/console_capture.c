// SPDX-License-Identifier: GPL-2.0
/*
 * What printk() logs while a test runs, for the tests of mempool.ko's
 * reports, as mm/kfence/kfence_test.c does it: a probe on the "console"
 * tracepoint (trace/events/printk.h).  printk_sprint() fires that event
 * for every record it stores, whatever the console loglevel, with the text
 * stripped of its log level and trailing newline.  register_trace_console()
 * is not for modules (the tracepoint is not exported): the probe finds the
 * tracepoint by name with for_each_kernel_tracepoint() instead.
 *
 * A suite registers the probe in its suite_init and removes it in its
 * suite_exit; each test starts with an empty capture (the suite's init).
 * The first MPT_CONSOLE_LINES lines are kept, truncated to
 * MPT_CONSOLE_LINE_MAX - 1 bytes; later ones are only counted, and a test
 * that looks at a capture that overflowed fails, since a line it looks for
 * (or for the absence of) may be among the ones dropped.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/hardirq.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "mpool_test.h"

#define MPT_CONSOLE_LINES	128
#define MPT_CONSOLE_LINE_MAX	256

static struct {
	raw_spinlock_t lock;
	unsigned int nlines;	/* seen since the last reset, kept or not */
	char lines[MPT_CONSOLE_LINES][MPT_CONSOLE_LINE_MAX];
} mpt_console = {
	.lock = __RAW_SPIN_LOCK_UNLOCKED(mpt_console.lock),
};

static struct tracepoint *mpt_console_tp;
static int mpt_console_err;

/*
 * The probe: called by printk() in any context, other CPUs' included.  A
 * raw spinlock because printk() may be called under one; NMIs are left out,
 * since one could interrupt the lock's holder on this CPU.
 */
static void mpt_console_probe(void *ignore, const char *text, size_t len)
{
	unsigned long flags;
	unsigned int n;

	if (in_nmi())
		return;
	raw_spin_lock_irqsave(&mpt_console.lock, flags);
	n = mpt_console.nlines;
	/* @text is not NUL-terminated: strscpy() copies len bytes and adds one. */
	if (n < MPT_CONSOLE_LINES)
		strscpy(mpt_console.lines[n], text,
			min_t(size_t, len + 1, MPT_CONSOLE_LINE_MAX));
	mpt_console.nlines = n + 1;
	raw_spin_unlock_irqrestore(&mpt_console.lock, flags);
}

static void mpt_console_reset(void)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&mpt_console.lock, flags);
	mpt_console.nlines = 0;
	raw_spin_unlock_irqrestore(&mpt_console.lock, flags);
}

#ifdef CONFIG_TRACEPOINTS
static void mpt_console_lookup(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "console"))
		*(struct tracepoint **)priv = tp;
}
#endif

int mpt_console_suite_init(struct kunit_suite *suite)
{
	struct tracepoint *tp = NULL;

	/*
	 * An error here is left for each test's init to report, so that every
	 * test fails with the reason instead of the suite not running at all.
	 */
	mpt_console_err = -EOPNOTSUPP;
#ifdef CONFIG_TRACEPOINTS
	for_each_kernel_tracepoint(mpt_console_lookup, &tp);
	mpt_console_err = -ENOENT;
	if (tp)
		mpt_console_err = tracepoint_probe_register(tp,
							    mpt_console_probe,
							    NULL);
#endif
	if (!mpt_console_err)
		mpt_console_tp = tp;
	return 0;
}

void mpt_console_suite_exit(struct kunit_suite *suite)
{
#ifdef CONFIG_TRACEPOINTS
	if (!mpt_console_tp)
		return;
	tracepoint_probe_unregister(mpt_console_tp, mpt_console_probe, NULL);
	/* No CPU is still in the probe once the module can go. */
	tracepoint_synchronize_unregister();
	mpt_console_tp = NULL;
#endif
}

int mpt_console_init(struct kunit *test)
{
	if (mpt_console_err) {
		kunit_err(test, "no console capture: the \"console\" tracepoint %s (%d)\n",
			  mpt_console_err == -ENOENT ? "is missing" :
			  "cannot be hooked", mpt_console_err);
		return mpt_console_err;
	}
	mpt_console_reset();
	return 0;
}

/* A failed test's log shows what the capture held. */
void mpt_console_exit(struct kunit *test)
{
	unsigned int i, n = min_t(unsigned int, READ_ONCE(mpt_console.nlines),
				  MPT_CONSOLE_LINES);

	if (test->status != KUNIT_FAILURE || !mpt_console_tp)
		return;
	kunit_info(test, "%u lines logged during the test, %u kept:\n",
		   READ_ONCE(mpt_console.nlines), n);
	for (i = 0; i < n && i < 40; i++)
		kunit_info(test, "log[%u] \"%s\"\n", i, mpt_console.lines[i]);
}

static bool mpt_console_match(const char *line, enum mpt_match how,
			      const char *text)
{
	switch (how) {
	case MPT_LINE:
		return !strcmp(line, text);
	case MPT_PREFIX:
		return str_has_prefix(line, text);
	case MPT_SUBSTR:
		return strstr(line, text);
	}
	return false;
}

int mpt_console_find(unsigned int from, enum mpt_match how, const char *text)
{
	unsigned long flags;
	unsigned int i, n;
	int found = -1;

	raw_spin_lock_irqsave(&mpt_console.lock, flags);
	n = min_t(unsigned int, mpt_console.nlines, MPT_CONSOLE_LINES);
	for (i = from; i < n; i++) {
		if (mpt_console_match(mpt_console.lines[i], how, text)) {
			found = i;
			break;
		}
	}
	raw_spin_unlock_irqrestore(&mpt_console.lock, flags);
	return found;
}

unsigned int mpt_console_count(enum mpt_match how, const char *text)
{
	unsigned int count = 0;
	int i = -1;

	while ((i = mpt_console_find(i + 1, how, text)) >= 0)
		count++;
	/* A line dropped might have matched: say so by failing. */
	if (READ_ONCE(mpt_console.nlines) > MPT_CONSOLE_LINES)
		return UINT_MAX;
	return count;
}

const char *mpt_fmt(struct kunit *test, const char *fmt, ...)
{
	va_list args;
	char *s;
	int len;

	va_start(args, fmt);
	len = vsnprintf(NULL, 0, fmt, args);
	va_end(args);
	s = kunit_kmalloc(test, len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	va_start(args, fmt);
	vsnprintf(s, len + 1, fmt, args);
	va_end(args);
	return s;
}
