/*
 * The GDB server: a thread that listens on 127.0.0.1:PORT, serves one GDB
 * at a time, and drives run control. While the target is stopped it
 * answers packets; after a resume it waits for a hart's stop event (through
 * the wake pipe), a Ctrl-C byte or the end of the connection. A connection
 * that ends without 'D' (GDB killed, a client gone mid-packet) detaches:
 * breakpoints go and the guest runs on; the server then waits for the next
 * GDB.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "morph/exec.h"
#include "morph/tb.h"
#include "src/gdb/gdb-exec.h"
#include "src/gdb/gdb-internal.h"

static __thread bool in_server; /* this thread is the server */

bool gdbstub_enabled(void)
{
	return gdb_enabled;
}

void gdbstub_set_kill(void (*fn)(void))
{
	gdb.kill = fn;
}

void gdb_wake_server(void)
{
	char c = 1;

	if (gdb.wake[1] >= 0 && write(gdb.wake[1], &c, 1) < 0) {
		/* the pipe is full: the server has a wake-up pending anyway */
	}
}

/* Host signal -> GDB's number (gdb/signals.def); they agree below 16 but for these. */
static int gdb_signo(int sig)
{
	switch (sig) {
	case SIGBUS:
		return 10;
	case SIGUSR1:
		return 30;
	case SIGUSR2:
		return 31;
	case SIGSYS:
		return 12;
	case SIGCHLD:
		return 20;
	default:
		return sig < 16 ? sig : 143; /* GDB_SIGNAL_UNKNOWN */
	}
}

void gdbstub_exit(int status, int sig)
{
	struct timespec deadline;

	if (!gdb_enabled || in_server)
		return;
	pthread_mutex_lock(&gdb.lock);
	if (gdb.conn >= 0 && !gdb.exit_pending) {
		gdb.exit_pending = true;
		gdb.exit_status = status & 0xff;
		gdb.exit_sig = sig;
		gdb_wake_server();
		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_sec += 3;
		while (!gdb.exit_done && gdb.conn >= 0)
			if (pthread_cond_timedwait(&gdb.cond, &gdb.lock, &deadline) == ETIMEDOUT)
				break;
	}
	pthread_mutex_unlock(&gdb.lock);
}

static void send_exit(struct rsp_conn *c)
{
	char b[8];

	if (gdb.exit_sig)
		snprintf(b, sizeof(b), "X%02x", gdb_signo(gdb.exit_sig) & 0xff);
	else
		snprintf(b, sizeof(b), "W%02x", gdb.exit_status);
	rsp_send(c, b);
	rsp_wait_ack(c, 1000);
	gdb.exit_done = true;
	pthread_cond_broadcast(&gdb.cond);
}

static void send_stop_reply(struct rsp_conn *c)
{
	char b[128];

	gdb_stop_reply(b, sizeof(b));
	rsp_send(c, b);
}

/* GDB's kill: every hart runs again (so a machine can stop), then the runner's hook. */
static void do_kill(void)
{
	pthread_mutex_lock(&gdb.lock);
	gdb_release_all();
	pthread_mutex_unlock(&gdb.lock);
	if (gdb.kill) {
		gdb.kill();
		return;
	}
	fflush(NULL);
	_exit(137); /* as if by SIGKILL */
}

static void session(int fd)
{
	static char pkt[GDB_PACKET_SIZE + 1];
	static struct rsp_conn conn;
	struct rsp_conn *c = &conn;
	bool running = false;

	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->wake_fd = gdb.wake[0];

	pthread_mutex_lock(&gdb.lock);
	gdb.conn = fd;
	gdb.g_tid = gdb.c_tid = 0;
	gdb.released = false;
	/* Wait for a hart at its first instruction, or stop the running ones. */
	while (gdb.initial_wait && !gdb.exit_pending)
		pthread_cond_wait(&gdb.cond, &gdb.lock);
	gdb_stop_all(GDB_SIGTRAP);
	gdb.stop_event = false;
	pthread_mutex_unlock(&gdb.lock);

	for (;;) {
		size_t len = 0;
		enum rsp_event ev = rsp_read_packet(c, pkt, sizeof(pkt), &len);

		pthread_mutex_lock(&gdb.lock);
		if (gdb.exit_pending) {
			send_exit(c);
			pthread_mutex_unlock(&gdb.lock);
			break;
		}
		if (ev == RSP_CLOSED) {
			gdb_release_all(); /* as a detach: the guest runs on */
			pthread_mutex_unlock(&gdb.lock);
			break;
		}
		if (running) {
			if (ev == RSP_INTERRUPT)
				gdb_stop_all(GDB_SIGINT);
			if (gdb.stopped) {
				/* Ctrl-C, or a hart's event: wait for the others, then report. */
				gdb_wait_stopped();
				gdb.stop_event = false;
				running = false;
				send_stop_reply(c);
			}
			/* Packets while running are not ours to answer (all-stop). */
			pthread_mutex_unlock(&gdb.lock);
			continue;
		}
		if (ev == RSP_PACKET) {
			switch (gdb_handle_packet(c, pkt, len)) {
			case GDB_CMD_RESUME:
				gdb_resume();
				running = true;
				break;
			case GDB_CMD_DETACH:
				gdb_release_all();
				pthread_mutex_unlock(&gdb.lock);
				goto out;
			case GDB_CMD_KILL:
				pthread_mutex_unlock(&gdb.lock);
				do_kill();
				goto out;
			case GDB_CMD_REPLIED:
				break;
			}
		}
		pthread_mutex_unlock(&gdb.lock);
	}
out:
	pthread_mutex_lock(&gdb.lock);
	gdb.conn = -1;
	pthread_cond_broadcast(&gdb.cond);
	pthread_mutex_unlock(&gdb.lock);
	free(c->last);
	c->last = NULL;
}

static void *server_main(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "gdbstub");
	in_server = true;
	for (;;) {
		int fd = accept4(gdb.listen_fd, NULL, NULL, SOCK_CLOEXEC);
		int one = 1;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE ||
			    errno == ENFILE) {
				usleep(10000);
				continue;
			}
			perror("morph: gdb: accept");
			return NULL;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		session(fd);
		close(fd);
	}
}

/* A guest fork(): the child runs on without the debugger. */
static void atfork_child(void)
{
	if (!gdb_enabled)
		return;
	gdb_enabled = false;
	if (gdb.conn >= 0)
		close(gdb.conn);
	close(gdb.listen_fd);
	close(gdb.wake[0]);
	close(gdb.wake[1]);
	/* TBs made for breakpoints, steps or watchpoints must go. */
	if (gdb.nbp_active || gdb_nwatch)
		tb_request_flush();
	gdb.nbp_active = 0;
	gdb_nwatch = 0;
}

int gdbstub_start(const struct exec_options *opts)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t alen = sizeof(a);
	int one = 1, err;
	pthread_t th;
	pthread_attr_t attr;
	sigset_t all, old;

	if (!opts->gdb || gdb_enabled)
		return 0;
	gdb.listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (gdb.listen_fd < 0)
		goto fail;
	setsockopt(gdb.listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(opts->gdb_port);
	if (bind(gdb.listen_fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(gdb.listen_fd, 1) < 0 ||
	    getsockname(gdb.listen_fd, (struct sockaddr *)&a, &alen) < 0 ||
	    pipe2(gdb.wake, O_CLOEXEC | O_NONBLOCK) < 0)
		goto fail;

	gdb.stopped = gdb.initial_wait = opts->gdb_wait;
	gdb.stop = (struct gdb_stop){0, GDB_SIGTRAP, GDB_STOP_SIGNAL, 0};
	gdb_enabled = true;
	pthread_atfork(NULL, NULL, atfork_child);

	/* Guest signals are for the harts' threads, never the server's. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&th, &attr, server_main, NULL);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		errno = err;
		goto fail;
	}
	fprintf(stderr, "morph: gdb: listening on 127.0.0.1:%u%s\n", ntohs(a.sin_port),
		opts->gdb_wait ? ", the guest waits for it" : "");
	return 0;
fail:
	err = errno;
	fprintf(stderr, "morph: --gdb %u: %s\n", opts->gdb_port, strerror(err));
	if (gdb.listen_fd >= 0)
		close(gdb.listen_fd);
	gdb.listen_fd = -1;
	gdb_enabled = false;
	return -err;
}
