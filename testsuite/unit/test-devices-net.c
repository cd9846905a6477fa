/*
 * virtio-net on the user-mode (libslirp) backend, with a tiny hand-made
 * guest network stack in the test: ARP for the gateway, an ICMP echo to
 * 10.0.2.2, a TCP connection from the guest to a server this test runs on
 * 127.0.0.1 (10.0.2.2 is the host's loopback), data both ways, and a hostfwd
 * rule delivering a host connection as a SYN to the guest. Only loopback
 * addresses are ever used on the host side. Plus malformed transmit buffers
 * and frames arriving before the guest posts receive buffers.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "test-devices-harness.h"

#define NET_BASE 0x10001000ull
#define F_MAC (1ull << 5)
#define F_STATUS (1ull << 16)
#define RXQ 0
#define TXQ 1
#define NRX 16
#define BUFSZ 2048

static const uint8_t guest_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
#define GUEST_IP 0x0a00020f /* 10.0.2.15 */
#define HOST_IP 0x0a000202  /* 10.0.2.2 */

struct nt {
	struct hbus h;
	struct vdrv d;
	struct probe irq;
	struct ioloop *loop;
	struct netdev *nd;
	uint64_t rxbuf[NRX]; /* receive buffers */
	uint64_t rxmap[NRX]; /* descriptor index -> the buffer posted there */
	uint64_t txbuf;
	uint8_t gw_mac[6];
	uint8_t frame[BUFSZ];
	size_t flen;
};

/* Post buffer @gpa at the next free descriptor. */
static void post_buf(struct nt *t, uint64_t gpa)
{
	struct vbuf b = {gpa, BUFSZ, true};

	t->rxmap[t->d.q[RXQ].next_desc] = gpa;
	vd_add(&t->d, RXQ, &b, 1);
}

static void post_rx(struct nt *t, unsigned i)
{
	post_buf(t, t->rxbuf[i]);
}

static void nt_start(struct nt *t, const struct netdev_user_opts *o, bool post)
{
	char err[200];

	memset(t, 0, sizeof(*t));
	hbus_init(&t->h);
	t->loop = ioloop_new(bus_mutex(t->h.bus));
	t->nd = netdev_user_new(t->loop, o, err, sizeof(err));
	ck_assert_msg(t->nd != NULL, "%s", err);
	ck_assert_ptr_nonnull(
	    virtio_net_new(t->h.bus, NET_BASE, probe_line(&t->irq, 0), t->nd, NULL));
	vd_attach(&t->d, &t->h, NET_BASE);
	ck_assert_uint_eq(vd_rd(&t->d, VM_DEVICE_ID), 1);
	ck_assert(vd_negotiate(&t->d, F_VERSION_1 | F_MAC | F_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	for (int i = 0; i < 6; i++)
		ck_assert_uint_eq(hrd(&t->h, NET_BASE + VM_CONFIG + i, 1), guest_mac[i]);
	ck_assert_uint_eq(hrd(&t->h, NET_BASE + VM_CONFIG + 6, 2), 1); /* link up */
	vd_setup_queue(&t->d, RXQ, NRX);
	vd_setup_queue(&t->d, TXQ, 16);
	for (int i = 0; i < NRX; i++)
		t->rxbuf[i] = vd_alloc(&t->d, BUFSZ, 16);
	t->txbuf = vd_alloc(&t->d, BUFSZ, 16);
	if (post)
		for (unsigned i = 0; i < NRX; i++)
			post_rx(t, i);
	vd_driver_ok(&t->d);
	vd_kick(&t->d, RXQ);
}

static void nt_stop(struct nt *t)
{
	hbus_fini(&t->h);
	netdev_close(t->nd);
	ioloop_free(t->loop);
}

/* ------------------------------------------------------ packet building */

static uint32_t sum16(const void *p, size_t len, uint32_t s)
{
	const uint8_t *b = p;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		s += (uint32_t)b[len - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static size_t eth(uint8_t *f, const uint8_t *dst, uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, guest_mac, 6);
	put16(f + 12, type);
	return 14;
}

/* IPv4 header at @p for @plen payload bytes; returns 20. */
static size_t ip4(uint8_t *p, uint8_t proto, uint32_t src, uint32_t dst, size_t plen)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	put16(p + 2, (uint16_t)(20 + plen));
	put16(p + 4, 0x1234);
	p[8] = 64;
	p[9] = proto;
	put32(p + 12, src);
	put32(p + 16, dst);
	put16(p + 10, fold(sum16(p, 20, 0)));
	return 20;
}

static size_t tcp(uint8_t *f, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
		  uint8_t flags, const void *data, size_t dlen)
{
	size_t n = eth(f, bcast, 0x0800);
	uint8_t *ip = f + n, *th = ip + 20, ph[12];

	(void)bcast;
	ip4(ip, 6, GUEST_IP, HOST_IP, 20 + dlen);
	memset(th, 0, 20);
	put16(th, sport);
	put16(th + 2, dport);
	put32(th + 4, seq);
	put32(th + 8, ack);
	th[12] = 5 << 4;
	th[13] = flags;
	put16(th + 14, 65535);
	memcpy(th + 20, data, dlen);
	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = 6;
	put16(ph + 10, (uint16_t)(20 + dlen));
	put16(th + 16, fold(sum16(th, 20 + dlen, sum16(ph, 12, 0))));
	return n + 20 + 20 + dlen;
}

/* -------------------------------------------------------- moving frames */

/* Transmit one frame; the header and frame in separate buffers, as Linux may do. */
static void tx(struct nt *t, const uint8_t *f, size_t len)
{
	uint8_t *p = vd_host(&t->d, t->txbuf);
	uint32_t id, l;

	memset(p, 0, 12);
	memcpy(p + 12, f, len);
	struct vbuf b[2] = {{t->txbuf, 12, false}, {t->txbuf + 12, (uint32_t)len, false}};

	vd_add(&t->d, TXQ, b, 2);
	vd_kick(&t->d, TXQ);
	ck_assert(vd_used(&t->d, TXQ, &id, &l));
}

/* The next received frame (reposting its buffer), else false. Bus lock not held. */
static bool rx(struct nt *t)
{
	uint32_t id, len;
	bool got;

	bus_lock(t->h.bus);
	got = vd_used(&t->d, RXQ, &id, &len);
	bus_unlock(t->h.bus);
	if (!got)
		return false;
	ck_assert_uint_lt(id, NRX);
	ck_assert_uint_ge(len, 12);
	uint8_t *p = vd_host(&t->d, t->rxmap[id]);

	ck_assert_uint_eq(p[10] | p[11] << 8, 1); /* num_buffers */
	t->flen = len - 12;
	memcpy(t->frame, p + 12, t->flen);
	/* repost: the driver side of the queue is ours, but the device reads it under the lock */
	bus_lock(t->h.bus);
	post_buf(t, t->rxmap[id]);
	bus_unlock(t->h.bus);
	vd_kick(&t->d, RXQ);
	return true;
}

typedef bool (*frame_pred)(struct nt *t, void *arg);

/* Run the I/O loop until a frame matching @pred arrives (5 s at most). */
static bool wait_frame(struct nt *t, frame_pred pred, void *arg, void (*idle)(void *), void *iarg)
{
	int64_t end = host_clock_ns() + 5000000000ll;

	while (host_clock_ns() < end) {
		while (rx(t))
			if (pred(t, arg))
				return true;
		if (idle)
			idle(iarg);
		ioloop_run_once(t->loop, 10);
	}
	return false;
}

static bool is_arp_reply(struct nt *t, void *arg)
{
	(void)arg;
	return t->flen >= 42 && get16(t->frame + 12) == 0x0806 && get16(t->frame + 20) == 2;
}

static void arp_gateway(struct nt *t)
{
	uint8_t f[64] = {0};
	size_t n = eth(f, bcast, 0x0806);
	uint8_t *a = f + n;

	put16(a, 1);	      /* Ethernet */
	put16(a + 2, 0x0800); /* IPv4 */
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, 1); /* request */
	memcpy(a + 8, guest_mac, 6);
	put32(a + 14, GUEST_IP);
	put32(a + 24, HOST_IP);
	tx(t, f, 60);
	ck_assert(wait_frame(t, is_arp_reply, NULL, NULL, NULL));
	const uint8_t *r = t->frame + 14;

	ck_assert_mem_eq(t->frame, guest_mac, 6);
	ck_assert_uint_eq(get32(r + 14), HOST_IP);
	ck_assert_mem_eq(r + 18, guest_mac, 6);
	ck_assert_uint_eq(get32(r + 24), GUEST_IP);
	memcpy(t->gw_mac, r + 8, 6);
	ck_assert_uint_eq(t->gw_mac[0], 0x52); /* slirp's 52:55:0a:00:02:02 */
	ck_assert_uint_eq(t->gw_mac[1], 0x55);
}

static bool is_echo_reply(struct nt *t, void *arg)
{
	const uint8_t *ip = t->frame + 14;

	(void)arg;
	return t->flen >= 14 + 28 && get16(t->frame + 12) == 0x0800 && ip[9] == 1 && ip[20] == 0 &&
	       get32(ip + 12) == HOST_IP;
}

START_TEST(arp_and_ping)
{
	struct nt t;
	struct netdev_user_opts o = {.ipv6 = false};
	uint8_t f[128];
	size_t n;

	nt_start(&t, &o, true);
	arp_gateway(&t);
	ck_assert_int_eq(t.irq.level, 1);
	/* ICMP echo to 10.0.2.2 is answered by slirp itself */
	n = eth(f, t.gw_mac, 0x0800);
	uint8_t *ip = f + n, *ic = ip + 20;

	ip4(ip, 1, GUEST_IP, HOST_IP, 8 + 16);
	memset(ic, 0, 8);
	ic[0] = 8;
	put16(ic + 4, 0x77);
	put16(ic + 6, 1);
	memcpy(ic + 8, "morph ping data!", 16);
	put16(ic + 2, fold(sum16(ic, 24, 0)));
	tx(&t, f, n + 20 + 24);
	ck_assert(wait_frame(&t, is_echo_reply, NULL, NULL, NULL));
	ck_assert_uint_eq(get32(t.frame + 14 + 16), GUEST_IP);
	ck_assert_mem_eq(t.frame + 14 + 28, "morph ping data!", 16);
	nt_stop(&t);
}
END_TEST

struct tcp_wait {
	uint16_t dport;
	uint8_t flags; /* all of these must be set */
	size_t min_payload;
};

static bool is_tcp(struct nt *t, void *arg)
{
	struct tcp_wait *w = arg;
	const uint8_t *ip = t->frame + 14, *th = ip + 20;

	if (t->flen < 14 + 40 || get16(t->frame + 12) != 0x0800 || ip[9] != 6)
		return false;
	if (get16(th + 2) != w->dport || (th[13] & w->flags) != w->flags)
		return false;
	return (size_t)(get16(ip + 2) - 20 - (th[12] >> 4) * 4) >= w->min_payload;
}

struct accept_ctx {
	int lfd, cfd;
};

static void try_accept(void *opaque)
{
	struct accept_ctx *a = opaque;

	if (a->cfd < 0)
		a->cfd = accept(a->lfd, NULL, NULL);
}

START_TEST(tcp_to_loopback_server)
{
	struct nt t;
	struct netdev_user_opts o = {.ipv6 = false};
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sa);
	struct accept_ctx ac = {-1, -1};
	uint8_t f[256];
	size_t n;
	uint32_t seq = 1000, srv_seq;
	uint16_t port;
	char buf[16];

	/* the server: 127.0.0.1 only, an ephemeral port */
	ac.lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(ac.lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(ac.lfd, 1), 0);
	ck_assert_int_eq(getsockname(ac.lfd, (struct sockaddr *)&sa, &sl), 0);
	port = ntohs(sa.sin_port);

	nt_start(&t, &o, true);
	arp_gateway(&t);
	/* SYN from 10.0.2.15:40000 to 10.0.2.2:port */
	n = tcp(f, 40000, port, seq, 0, 0x02, NULL, 0);
	memcpy(f, t.gw_mac, 6);
	tx(&t, f, n);
	struct tcp_wait w = {40000, 0x12, 0}; /* SYN|ACK */

	ck_assert(wait_frame(&t, is_tcp, &w, try_accept, &ac));
	const uint8_t *th = t.frame + 14 + 20;

	ck_assert_uint_eq(get16(th), port);
	ck_assert_uint_eq(get32(th + 8), seq + 1);
	srv_seq = get32(th + 4) + 1;
	seq++;
	/* ACK, then data from the guest */
	n = tcp(f, 40000, port, seq, srv_seq, 0x10, NULL, 0);
	memcpy(f, t.gw_mac, 6);
	tx(&t, f, n);
	n = tcp(f, 40000, port, seq, srv_seq, 0x18, "ping", 4);
	memcpy(f, t.gw_mac, 6);
	tx(&t, f, n);
	seq += 4;
	int64_t end = host_clock_ns() + 5000000000ll;

	while (ac.cfd < 0 && host_clock_ns() < end) {
		try_accept(&ac);
		ioloop_run_once(t.loop, 10);
	}
	ck_assert_int_ge(ac.cfd, 0);
	/* the server reads what the guest sent */
	ssize_t r = -1;

	fcntl(ac.cfd, F_SETFL, fcntl(ac.cfd, F_GETFL) | O_NONBLOCK);
	while (host_clock_ns() < end) {
		ioloop_run_once(t.loop, 10);
		r = read(ac.cfd, buf, sizeof(buf));
		if (r > 0)
			break;
	}
	ck_assert_int_eq(r, 4);
	ck_assert_mem_eq(buf, "ping", 4);
	/* ... and answers */
	ck_assert_int_eq(write(ac.cfd, "pong!", 5), 5);
	w = (struct tcp_wait){40000, 0x10, 5};
	ck_assert(wait_frame(&t, is_tcp, &w, NULL, NULL));
	ck_assert_mem_eq(t.frame + 14 + 40, "pong!", 5);
	ck_assert_uint_eq(get32(t.frame + 14 + 20 + 8), seq);
	close(ac.cfd);
	close(ac.lfd);
	nt_stop(&t);
}
END_TEST

START_TEST(hostfwd_to_guest)
{
	struct nt t;
	struct netdev_user_opts o = {.ipv6 = false, .nhostfwd = 1};
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sa);
	char err[200];
	int s, c;

	/* find a free loopback port */
	s = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(s, (struct sockaddr *)&sa, &sl), 0);
	close(s);
	o.hostfwd[0] = (struct netdev_hostfwd){false, htonl(INADDR_LOOPBACK), ntohs(sa.sin_port),
					       htonl(GUEST_IP), 8080};
	nt_start(&t, &o, true);
	arp_gateway(&t); /* slirp learns the guest's MAC */
	/* a second backend cannot take the same port: a clear error */
	ck_assert_ptr_null(netdev_user_new(t.loop, &o, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "hostfwd"));
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	connect(c, (struct sockaddr *)&sa, sizeof(sa));
	struct tcp_wait w = {8080, 0x02, 0};

	ck_assert(wait_frame(&t, is_tcp, &w, NULL, NULL));
	ck_assert_uint_eq(get32(t.frame + 14 + 16), GUEST_IP);
	ck_assert_mem_eq(t.frame, guest_mac, 6);
	close(c);
	nt_stop(&t);
}
END_TEST

static void send_arp_request(struct nt *t)
{
	uint8_t f[64] = {0};
	size_t n = eth(f, bcast, 0x0806);

	put16(f + n, 1);
	put16(f + n + 2, 0x0800);
	f[n + 4] = 6;
	f[n + 5] = 4;
	put16(f + n + 6, 1);
	memcpy(f + n + 8, guest_mac, 6);
	put32(f + n + 14, GUEST_IP);
	put32(f + n + 24, HOST_IP);
	tx(t, f, 60);
}

START_TEST(rx_waits_for_buffers_and_bad_tx)
{
	struct nt t;
	struct netdev_user_opts o = {.ipv6 = false};
	uint32_t id, len;

	nt_start(&t, &o, false);
	/* ARP with no receive buffers: the reply waits in the backend */
	send_arp_request(&t);
	ck_assert(!vd_used(&t.d, RXQ, &id, &len));
	ck_assert_uint_eq(t.nd->rxq_frames, 1);
	/* posting buffers delivers it */
	post_rx(&t, 0);
	vd_kick(&t.d, RXQ);
	ck_assert_uint_eq(t.nd->rxq_frames, 0);
	ck_assert(rx(&t));
	ck_assert(is_arp_reply(&t, NULL));
	/* a receive buffer too small for a frame comes back empty, the frame is dropped */
	struct vbuf small = {t.rxbuf[1], 20, true};

	/* (the reposted first buffer is ahead of it: use it up first) */
	send_arp_request(&t);
	ck_assert(vd_used(&t.d, RXQ, &id, &len));
	ck_assert_uint_ge(len, 12 + 42);
	uint16_t small_head = vd_add(&t.d, RXQ, &small, 1);

	vd_kick(&t.d, RXQ);
	send_arp_request(&t);
	ck_assert(vd_used(&t.d, RXQ, &id, &len));
	ck_assert_uint_eq(id, small_head);
	ck_assert_uint_eq(len, 0);
	ck_assert_uint_eq(t.nd->rxq_frames, 0);
	/* reception goes on with the next good buffer */
	for (unsigned i = 2; i < NRX; i++)
		post_rx(&t, i);
	vd_kick(&t.d, RXQ);
	send_arp_request(&t);
	ck_assert(rx(&t));
	ck_assert(is_arp_reply(&t, NULL));
	/* transmit buffers shorter than the header, or GSO without negotiation: dropped */
	struct vbuf b = {t.txbuf, 6, false};

	vd_add(&t.d, TXQ, &b, 1);
	vd_kick(&t.d, TXQ);
	ck_assert(vd_used(&t.d, TXQ, &id, &len));
	uint8_t *p = vd_host(&t.d, t.txbuf);

	memset(p, 0, 12);
	p[1] = 1; /* VIRTIO_NET_HDR_GSO_TCPV4 */
	b.len = 12 + 60;
	vd_add(&t.d, TXQ, &b, 1);
	vd_kick(&t.d, TXQ);
	ck_assert(vd_used(&t.d, TXQ, &id, &len));
	ck_assert_uint_eq(vd_rd(&t.d, VM_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET, 0);
	/* a transmit chain pointing outside RAM breaks the device, not the host */
	b = (struct vbuf){0x7ffff000, 64, false};
	vd_add(&t.d, TXQ, &b, 1);
	vd_kick(&t.d, TXQ);
	ck_assert(vd_rd(&t.d, VM_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	nt_stop(&t);
}
END_TEST

static Suite *net_suite(void)
{
	Suite *s = suite_create("virtio-net");
	TCase *tc = tcase_create("slirp");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, arp_and_ping);
	tcase_add_test(tc, tcp_to_loopback_server);
	tcase_add_test(tc, hostfwd_to_guest);
	tcase_add_test(tc, rx_waits_for_buffers_and_bad_tx);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(net_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
