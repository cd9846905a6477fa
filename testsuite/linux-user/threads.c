/*
 * Threads: clone through pthread_create, a mutex-protected counter, C11 atomics (fetch_add,
 * compare-exchange loops: LR/SC and AMOs on RISC-V), a condition variable hand-off, a
 * barrier, thread-local storage, pthread_once, join with return values, futex wake-ups.
 * Every printed value is a total or a per-thread value that does not depend on scheduling.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

enum { NTHREADS = 8, ITERS = 20000 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long mutex_counter;
static atomic_long atomic_counter;
static atomic_int cas_counter;
static _Atomic uint64_t atomic_bits;
static atomic_int once_calls;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_barrier_t barrier;
static __thread long tls_value = 1000;
static atomic_int distinct_tids;

static void once_init(void)
{
	atomic_fetch_add(&once_calls, 1);
}

static void *worker(void *arg)
{
	long id = (long)arg;
	int old;

	pthread_once(&once, once_init);
	/* Each thread sees its own copy of a __thread variable, starting at its initialiser. */
	if (tls_value != 1000)
		return (void *)-1L;
	tls_value += id;

	if (syscall(SYS_gettid) != getpid())
		atomic_fetch_add(&distinct_tids, 1);

	/* Everyone starts hammering at the same time. */
	pthread_barrier_wait(&barrier);
	for (int i = 0; i < ITERS; i++) {
		pthread_mutex_lock(&lock);
		mutex_counter++;
		pthread_mutex_unlock(&lock);

		atomic_fetch_add_explicit(&atomic_counter, 2, memory_order_relaxed);

		old = atomic_load(&cas_counter);
		while (!atomic_compare_exchange_weak(&cas_counter, &old, old + 3))
			;
	}
	atomic_fetch_or(&atomic_bits, UINT64_C(1) << (id * 7));
	pthread_barrier_wait(&barrier);
	return (void *)(tls_value * 10);
}

/* A one-slot mailbox: the producer waits for the consumer to empty it. */
static pthread_mutex_t box_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t box_cond = PTHREAD_COND_INITIALIZER;
static int box_full, box_value, box_done;

static void *producer(void *arg)
{
	(void)arg;
	for (int i = 1; i <= 1000; i++) {
		pthread_mutex_lock(&box_lock);
		while (box_full)
			pthread_cond_wait(&box_cond, &box_lock);
		box_value = i;
		box_full = 1;
		pthread_cond_broadcast(&box_cond);
		pthread_mutex_unlock(&box_lock);
	}
	pthread_mutex_lock(&box_lock);
	while (box_full)
		pthread_cond_wait(&box_cond, &box_lock);
	box_done = 1;
	pthread_cond_broadcast(&box_cond);
	pthread_mutex_unlock(&box_lock);
	return NULL;
}

static void *consumer(void *arg)
{
	long sum = 0, count = 0;

	(void)arg;
	pthread_mutex_lock(&box_lock);
	for (;;) {
		while (!box_full && !box_done)
			pthread_cond_wait(&box_cond, &box_lock);
		if (box_full) {
			sum += box_value;
			count++;
			box_full = 0;
			pthread_cond_broadcast(&box_cond);
		} else if (box_done) {
			break;
		}
	}
	pthread_mutex_unlock(&box_lock);
	printf("consumer received %ld values, sum %ld\n", count, sum);
	return (void *)sum;
}

static void *detached(void *arg)
{
	atomic_int *flag = arg;

	atomic_store(flag, 42);
	return NULL;
}

int main(void)
{
	pthread_t t[NTHREADS], prod, cons;
	pthread_attr_t attr;
	void *ret;
	long ret_sum = 0;
	atomic_int flag = 0;

	pthread_barrier_init(&barrier, NULL, NTHREADS);
	for (long i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)i) != 0) {
			printf("pthread_create failed\n");
			return 1;
		}
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(t[i], &ret);
		printf("thread %d returned %ld\n", i, (long)ret);
		ret_sum += (long)ret;
	}
	printf("main thread tls still %ld\n", tls_value);
	printf("mutex counter: %ld (expected %d)\n", mutex_counter, NTHREADS * ITERS);
	printf("atomic counter: %ld (expected %d)\n", atomic_load(&atomic_counter), 2 * NTHREADS * ITERS);
	printf("cas counter: %d (expected %d)\n", atomic_load(&cas_counter), 3 * NTHREADS * ITERS);
	printf("atomic or bits: %016llx\n", (unsigned long long)atomic_load(&atomic_bits));
	printf("pthread_once ran %d time(s)\n", atomic_load(&once_calls));
	printf("threads with their own tid: %d\n", atomic_load(&distinct_tids));
	printf("sum of return values: %ld\n", ret_sum);
	pthread_barrier_destroy(&barrier);

	pthread_create(&cons, NULL, consumer, NULL);
	pthread_create(&prod, NULL, producer, NULL);
	pthread_join(prod, NULL);
	pthread_join(cons, &ret);
	printf("consumer returned %ld\n", (long)ret);

	/* A detached thread with a small explicit stack; poll until it has run. */
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_create(&prod, &attr, detached, &flag);
	pthread_attr_destroy(&attr);
	while (atomic_load(&flag) == 0)
		sched_yield();
	printf("detached thread stored %d\n", atomic_load(&flag));
	return 0;
}
