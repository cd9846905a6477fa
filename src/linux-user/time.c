/*
 * Time syscalls: clocks, sleeps, interval timers, POSIX timers, timerfd.
 * Guest timespec/timeval use guest words (the *_time64 calls of 32-bit ABIs
 * always 64-bit fields); the host clocks and timers do the work.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "morph/exec.h"
#include "src/linux-user/lx.h"

static int64_t put_ts(uint64_t g, const struct timespec *ts, bool t64)
{
	if (!g)
		return 0;
	return (t64 ? lx_put_timespec64(g, ts) : lx_put_timespec(g, ts)) < 0 ? -EFAULT : 0;
}

static int get_ts(uint64_t g, struct timespec *ts, bool t64)
{
	return t64 ? lx_get_timespec64(g, ts) : lx_get_timespec(g, ts);
}

/* Under --icount the guest's clocks follow its instructions (exec_clock_ns). */
static int guest_clock_gettime(clockid_t clk, struct timespec *ts)
{
	if (exec_icount_enabled() && clk >= 0) {
		int64_t ns = exec_clock_ns(current_cpu, clk == CLOCK_REALTIME ||
						       clk == CLOCK_REALTIME_COARSE ||
						       clk == CLOCK_TAI ? CLOCK_REALTIME : CLOCK_MONOTONIC);
		ts->tv_sec = ns / 1000000000;
		ts->tv_nsec = ns % 1000000000;
		return 0;
	}
	return clock_gettime(clk, ts);
}

static int64_t do_clock_gettime(uint64_t *a, bool t64)
{
	struct timespec ts;

	if (guest_clock_gettime((clockid_t)a[0], &ts) < 0)
		return -errno;
	return put_ts(a[1], &ts, t64);
}

LX_TIME64_SYSCALLS(clock_gettime, clock_gettime64, do_clock_gettime)

static int64_t do_clock_getres(uint64_t *a, bool t64)
{
	struct timespec ts;

	if (clock_getres((clockid_t)a[0], &ts) < 0)
		return -errno;
	return put_ts(a[1], &ts, t64);
}

LX_TIME64_SYSCALLS(clock_getres, clock_getres_time64, do_clock_getres)

LX_SYSCALL(clock_settime)
{
	struct timespec ts;

	if (lx_get_timespec(a[1], &ts) < 0)
		return -EFAULT;
	return lx_ret(clock_settime((clockid_t)a[0], &ts));
}

static int64_t do_clock_nanosleep(uint64_t *a, bool t64)
{
	struct timespec req, rem;
	int r;

	if (get_ts(a[2], &req, t64) < 0)
		return -EFAULT;
	r = (int)LX_SAFE(SYS_clock_nanosleep, (clockid_t)a[0], (int)a[1], &req, &rem, 0, 0);
	if (r == -EINTR && a[3] && !(a[1] & TIMER_ABSTIME))
		put_ts(a[3], &rem, t64);
	return r;
}

LX_TIME64_SYSCALLS(clock_nanosleep, clock_nanosleep_time64, do_clock_nanosleep)

LX_SYSCALL(nanosleep)
{
	uint64_t b[6] = { CLOCK_REALTIME, 0, a[0], a[1], 0, 0 };
	return do_clock_nanosleep(b, false);
}

LX_SYSCALL(gettimeofday)
{
	struct timeval tv;
	struct timezone tz;
	struct timespec ts;

	if (gettimeofday(&tv, &tz) < 0)
		return -errno;
	if (exec_icount_enabled()) {
		guest_clock_gettime(CLOCK_REALTIME, &ts);
		tv.tv_sec = ts.tv_sec;
		tv.tv_usec = ts.tv_nsec / 1000;
	}
	if (a[0] && lx_put_timeval(a[0], &tv) < 0)
		return -EFAULT;
	if (a[1] && (lx_put_u32(a[1], (uint32_t)tz.tz_minuteswest) < 0 ||
		     lx_put_u32(a[1] + 4, (uint32_t)tz.tz_dsttime) < 0))
		return -EFAULT;
	return 0;
}

LX_SYSCALL(settimeofday)
{
	return -EPERM;
}

LX_SYSCALL(time)
{
	time_t now = time(NULL);

	if (exec_icount_enabled())
		now = (time_t)(exec_clock_ns(current_cpu, CLOCK_REALTIME) / 1000000000);
	if (a[0] && lx_put_word(a[0], (uint64_t)now) < 0)
		return -EFAULT;
	return now;
}

LX_SYSCALL(times)
{
	struct tms tm;
	clock_t r = times(&tm);
	uint8_t b[32];
	unsigned w = lx.wordsz;

	if (r == (clock_t)-1)
		return -errno;
	if (a[0]) {
		lx_stw(b, (uint64_t)tm.tms_utime);
		lx_stw(b + w, (uint64_t)tm.tms_stime);
		lx_stw(b + 2 * w, (uint64_t)tm.tms_cutime);
		lx_stw(b + 3 * w, (uint64_t)tm.tms_cstime);
		if (lx_copy_to_guest(a[0], b, 4 * w) < 0)
			return -EFAULT;
	}
	return r;
}

/* ---- interval timers ---- */

static int get_itimerval(uint64_t g, struct itimerval *v)
{
	return lx_get_timeval(g, &v->it_interval) < 0 ||
			       lx_get_timeval(g + 2 * lx.wordsz, &v->it_value) < 0
		       ? -EFAULT
		       : 0;
}

static int put_itimerval(uint64_t g, const struct itimerval *v)
{
	return lx_put_timeval(g, &v->it_interval) < 0 ||
			       lx_put_timeval(g + 2 * lx.wordsz, &v->it_value) < 0
		       ? -EFAULT
		       : 0;
}

LX_SYSCALL(setitimer)
{
	struct itimerval nv, ov;

	if (a[1] && get_itimerval(a[1], &nv) < 0)
		return -EFAULT;
	if (!a[1])
		memset(&nv, 0, sizeof(nv));
	if (setitimer((int)a[0], &nv, &ov) < 0)
		return -errno;
	if (a[2] && put_itimerval(a[2], &ov) < 0)
		return -EFAULT;
	return 0;
}

LX_SYSCALL(getitimer)
{
	struct itimerval v;

	if (getitimer((int)a[0], &v) < 0)
		return -errno;
	return put_itimerval(a[1], &v);
}

LX_SYSCALL(alarm)
{
	return alarm((unsigned)a[0]);
}

/* ---- POSIX timers (raw kernel interface: guest glibc does SIGEV_THREAD itself) ---- */

struct ksigevent {
	uint64_t value;
	int32_t signo, notify;
	int32_t tid;
	int32_t pad[11];
};

LX_SYSCALL(timer_create)
{
	struct ksigevent ev;
	uint8_t b[64];
	unsigned w = lx.wordsz;
	int id;

	memset(&ev, 0, sizeof(ev));
	if (a[1]) {
		if (lx_copy_from_guest(b, a[1], 64) < 0)
			return -EFAULT;
		ev.value = lx_ldw(b);
		ev.signo = (int32_t)lx_ld32(b + w);
		ev.notify = (int32_t)lx_ld32(b + w + 4);
		ev.tid = (int32_t)lx_ld32(b + w + 8);
		if (ev.notify != SIGEV_NONE) {
			ev.signo = lx_sig_to_host(ev.signo);
			if (!ev.signo)
				return -EINVAL;
		}
	}
	if (syscall(SYS_timer_create, (clockid_t)a[0], a[1] ? &ev : NULL, &id) < 0)
		return -errno;
	if (lx_put_u32(a[2], (uint32_t)id) < 0) {
		syscall(SYS_timer_delete, id);
		return -EFAULT;
	}
	return 0;
}

static int get_itimerspec(uint64_t g, struct itimerspec *v, bool t64)
{
	unsigned sz = t64 ? 16 : 2 * lx.wordsz;
	return get_ts(g, &v->it_interval, t64) < 0 || get_ts(g + sz, &v->it_value, t64) < 0
		       ? -EFAULT
		       : 0;
}

static int put_itimerspec(uint64_t g, const struct itimerspec *v, bool t64)
{
	unsigned sz = t64 ? 16 : 2 * lx.wordsz;
	return put_ts(g, &v->it_interval, t64) < 0 || put_ts(g + sz, &v->it_value, t64) < 0
		       ? -EFAULT
		       : 0;
}

static int64_t do_timer_settime(uint64_t *a, bool t64)
{
	struct itimerspec nv, ov;

	if (get_itimerspec(a[2], &nv, t64) < 0)
		return -EFAULT;
	if (syscall(SYS_timer_settime, (int)a[0], (int)a[1], &nv, &ov) < 0)
		return -errno;
	if (a[3] && put_itimerspec(a[3], &ov, t64) < 0)
		return -EFAULT;
	return 0;
}

LX_TIME64_SYSCALLS(timer_settime, timer_settime64, do_timer_settime)

static int64_t do_timer_gettime(uint64_t *a, bool t64)
{
	struct itimerspec v;

	if (syscall(SYS_timer_gettime, (int)a[0], &v) < 0)
		return -errno;
	return put_itimerspec(a[1], &v, t64);
}

LX_TIME64_SYSCALLS(timer_gettime, timer_gettime64, do_timer_gettime)

LX_SYSCALL(timer_getoverrun)
{
	return lx_ret(syscall(SYS_timer_getoverrun, (int)a[0]));
}

LX_SYSCALL(timer_delete)
{
	return lx_ret(syscall(SYS_timer_delete, (int)a[0]));
}

/* ---- timerfd ---- */

LX_SYSCALL(timerfd_create)
{
	return lx_ret(timerfd_create((int)a[0], lx_open_flags_in((uint32_t)a[1])));
}

static int64_t do_timerfd_settime(uint64_t *a, bool t64)
{
	struct itimerspec nv, ov;

	if (get_itimerspec(a[2], &nv, t64) < 0)
		return -EFAULT;
	if (timerfd_settime((int)a[0], (int)a[1], &nv, &ov) < 0)
		return -errno;
	if (a[3] && put_itimerspec(a[3], &ov, t64) < 0)
		return -EFAULT;
	return 0;
}

LX_TIME64_SYSCALLS(timerfd_settime, timerfd_settime64, do_timerfd_settime)

static int64_t do_timerfd_gettime(uint64_t *a, bool t64)
{
	struct itimerspec v;

	if (timerfd_gettime((int)a[0], &v) < 0)
		return -errno;
	return put_itimerspec(a[1], &v, t64);
}

LX_TIME64_SYSCALLS(timerfd_gettime, timerfd_gettime64, do_timerfd_gettime)

LX_SYSCALL(sched_rr_get_interval)
{
	struct timespec ts;

	if (sched_rr_get_interval((pid_t)a[0], &ts) < 0)
		return -errno;
	return put_ts(a[1], &ts, false);
}
