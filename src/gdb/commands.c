/*
 * The packets of GDB's remote protocol the stub answers (GDB manual, E.2
 * "Packets", E.3 "Stop Reply Packets", E.4 "General Query Packets"). Called
 * with gdb.lock held while the target is stopped. Unknown packets get the
 * empty reply, which GDB reads as "not supported".
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/frontend.h"
#include "src/gdb/gdb-internal.h"

/* GDB said swbreak+/hwbreak+ in qSupported: stop replies may say why. */
static bool gdb_knows_swbreak, gdb_knows_hwbreak;

/* Big enough for a 'g' reply and the largest 'm' reply. */
static char reply[GDB_PACKET_SIZE + 1];

/* ---- parsing ---- */

/* A hex number at *@s, advancing past it; false if there is none. */
static bool parse_hex(const char **s, uint64_t *v)
{
	const char *p = *s;
	uint64_t x = 0;

	if (gdb_hexval(*p) < 0)
		return false;
	for (; gdb_hexval(*p) >= 0; p++) {
		if (x >> 60)
			return false; /* more than 64 bits */
		x = x << 4 | (unsigned)gdb_hexval(*p);
	}
	*s = p;
	*v = x;
	return true;
}

/* "ADDR,LEN" then @end (':' or NUL) */
static bool parse_addr_len(const char **s, uint64_t *addr, uint64_t *len, char end)
{
	if (!parse_hex(s, addr) || **s != ',')
		return false;
	(*s)++;
	if (!parse_hex(s, len) || **s != end)
		return false;
	if (end)
		(*s)++;
	return true;
}

/* A thread id: "-1" (all), "0" (any) or a hex number (no multiprocess syntax: we do not offer it) */
static bool parse_tid(const char **s, int *tid)
{
	uint64_t v;

	if ((*s)[0] == '-' && (*s)[1] == '1') {
		*s += 2;
		*tid = -1;
		return true;
	}
	if (!parse_hex(s, &v) || v > 0x7fffffff)
		return false;
	*tid = (int)v;
	return true;
}

/* ---- threads ---- */

/* The hart a thread selection means: a specific one, else the one that stopped. */
static struct gdb_hart *selected(int tid)
{
	struct gdb_hart *h = tid > 0 ? gdb_hart_by_tid(tid) : NULL;

	if (!h)
		h = gdb_hart_by_tid(gdb.stop.tid);
	if (!h)
		h = gdb_first_hart();
	return h;
}

static void thread_list(void)
{
	size_t o = 0;

	reply[o++] = 'm';
	for (unsigned i = 0; i < gdb.nharts && o + 12 < sizeof(reply); i++)
		o += (size_t)snprintf(reply + o, sizeof(reply) - o, "%s%x", i ? "," : "",
				      gdb.harts[i]->tid);
	reply[o] = 0;
	if (!gdb.nharts)
		strcpy(reply, "l");
}

static void thread_extra_info(int tid)
{
	struct gdb_hart *h = gdb_hart_by_tid(tid);
	char text[64];

	if (!h) {
		strcpy(reply, "E01");
		return;
	}
	if (h->cpu->softmmu)
		snprintf(text, sizeof(text), "hart %d%s", h->cpu->cpu_index,
			 h->parked ? "" : " (running)");
	else
		snprintf(text, sizeof(text), "LWP %d%s", h->cpu->thread_id,
			 h->parked ? "" : " (in a system call)");
	gdb_tohex(reply, text, strlen(text));
}

/* ---- stop replies ---- */

void gdb_stop_reply(char *buf, size_t size)
{
	const struct gdb_stop *s = &gdb.stop;
	int n = snprintf(buf, size, "T%02xthread:%x;", s->sig, s->tid);

	if (n < 0 || (size_t)n >= size)
		return;
	switch (s->kind) {
	case GDB_STOP_SWBREAK:
		if (gdb_knows_swbreak)
			snprintf(buf + n, size - (size_t)n, "swbreak:;");
		break;
	case GDB_STOP_HWBREAK:
		if (gdb_knows_hwbreak)
			snprintf(buf + n, size - (size_t)n, "hwbreak:;");
		break;
	case GDB_STOP_WATCH:
		snprintf(buf + n, size - (size_t)n, "watch:%" PRIx64 ";", s->addr);
		break;
	case GDB_STOP_RWATCH:
		snprintf(buf + n, size - (size_t)n, "rwatch:%" PRIx64 ";", s->addr);
		break;
	case GDB_STOP_AWATCH:
		snprintf(buf + n, size - (size_t)n, "awatch:%" PRIx64 ";", s->addr);
		break;
	default:
		break;
	}
}

/* ---- registers ---- */

static const struct gdb_arch *arch_of(const struct gdb_hart *h)
{
	return h ? h->cpu->arch->gdb : NULL;
}

static void read_all_regs(struct gdb_hart *h)
{
	const struct gdb_arch *ga = arch_of(h);
	size_t o = 0;
	uint8_t v[16];

	if (!ga) {
		strcpy(reply, "E01");
		return;
	}
	for (unsigned n = 0; n < ga->g_regs; n++) {
		unsigned len = ga->read_reg(h->cpu, n, v);
		if (o + 2 * len >= sizeof(reply))
			break;
		gdb_tohex(reply + o, v, len);
		o += 2 * len;
	}
	reply[o] = 0;
}

static void write_all_regs(struct gdb_hart *h, const char *hex)
{
	const struct gdb_arch *ga = arch_of(h);
	uint8_t v[16];

	if (!ga) {
		strcpy(reply, "E01");
		return;
	}
	for (unsigned n = 0; n < ga->g_regs && *hex; n++) {
		unsigned len = ga->read_reg(h->cpu, n, v);
		if (strlen(hex) < 2 * len || gdb_fromhex(v, hex, len) < 0) {
			strcpy(reply, "E01");
			return;
		}
		/* All 'x' digits: GDB has no value for it, keep ours. */
		if (hex[0] != 'x')
			ga->write_reg(h->cpu, n, v, len);
		hex += 2 * len;
	}
	strcpy(reply, "OK");
}

static void read_one_reg(struct gdb_hart *h, const char *s)
{
	const struct gdb_arch *ga = arch_of(h);
	uint64_t n;
	uint8_t v[16];
	unsigned len;

	if (!ga || !parse_hex(&s, &n) || *s || n > 0xffff ||
	    !(len = ga->read_reg(h->cpu, (unsigned)n, v))) {
		strcpy(reply, "E01");
		return;
	}
	gdb_tohex(reply, v, len);
}

static void write_one_reg(struct gdb_hart *h, const char *s)
{
	const struct gdb_arch *ga = arch_of(h);
	uint64_t n;
	uint8_t v[16];
	size_t len;

	if (!ga || !parse_hex(&s, &n) || *s++ != '=' || n > 0xffff) {
		strcpy(reply, "E01");
		return;
	}
	len = strlen(s) / 2;
	if (len == 0 || len > sizeof(v) || strlen(s) % 2 || gdb_fromhex(v, s, len) < 0 ||
	    ga->write_reg(h->cpu, (unsigned)n, v, (unsigned)len) < 0) {
		strcpy(reply, "E01");
		return;
	}
	strcpy(reply, "OK");
}

/* ---- memory ---- */

static void read_memory(struct gdb_hart *h, const char *s)
{
	uint64_t addr, len;
	static uint8_t buf[GDB_PACKET_SIZE / 2];

	if (!h || !parse_addr_len(&s, &addr, &len, 0)) {
		strcpy(reply, "E01");
		return;
	}
	if (len > sizeof(buf) - 1)
		len = sizeof(buf) - 1; /* GDB asks again for the rest */
	if (gdb_mem_read(h->cpu, addr, buf, len) < 0) {
		strcpy(reply, "E14"); /* EFAULT */
		return;
	}
	gdb_tohex(reply, buf, len);
}

/* M (hex data) and X (binary data, already unescaped by the packet layer) */
static void write_memory(struct gdb_hart *h, const char *s, size_t avail, bool binary)
{
	uint64_t addr, len;
	const char *start = s;
	static uint8_t buf[GDB_PACKET_SIZE];

	if (!h || !parse_addr_len(&s, &addr, &len, ':')) {
		strcpy(reply, "E01");
		return;
	}
	avail -= (size_t)(s - start);
	if (len > sizeof(buf) || (binary ? avail < len : avail < 2 * len) ||
	    (!binary && gdb_fromhex(buf, s, len) < 0)) {
		strcpy(reply, "E01");
		return;
	}
	if (binary)
		memcpy(buf, s, len);
	strcpy(reply, len && gdb_mem_write(h->cpu, addr, buf, len) < 0 ? "E14" : "OK");
}

/* ---- breakpoints ---- */

static void breakpoint(const char *s, bool insert)
{
	uint64_t type, addr, kind;

	if (!parse_hex(&s, &type) || *s++ != ',' || !parse_hex(&s, &addr) || *s++ != ',' ||
	    !parse_hex(&s, &kind) || (*s && *s != ';') || type > GDB_Z_ACCESS) {
		strcpy(reply, "E01");
		return;
	}
	int r = insert ? gdb_bp_insert((int)type, addr, kind) : gdb_bp_remove((int)type, addr, kind);
	strcpy(reply, r < 0 ? "E01" : "OK");
}

/* ---- run control ---- */

static void set_all_actions(enum gdb_action a)
{
	for (unsigned i = 0; i < gdb.nharts; i++)
		gdb.harts[i]->action = a;
}

/* c [addr] / s [addr] (and C/S sig[;addr]): the Hc thread; others continue for c. */
static enum gdb_cmd_result legacy_resume(const char *s, bool step, bool with_sig)
{
	struct gdb_hart *h = selected(gdb.c_tid);
	uint64_t v;

	if (with_sig) {
		if (!parse_hex(&s, &v)) {
			strcpy(reply, "E01");
			return GDB_CMD_REPLIED;
		}
		if (*s == ';')
			s++;
	}
	if (*s) {
		const struct gdb_arch *ga = arch_of(h);
		uint8_t b[8];
		if (!h || !parse_hex(&s, &v) || !ga) {
			strcpy(reply, "E01");
			return GDB_CMD_REPLIED;
		}
		/* the new pc in the register's size and the guest's byte order */
		unsigned len = ga->read_reg(h->cpu, ga->pc_regnum, b);
		for (unsigned i = 0; i < len; i++) {
			unsigned sh = 8 * (h->cpu->arch->big_endian ? len - 1 - i : i);
			b[i] = (uint8_t)(v >> sh);
		}
		ga->write_reg(h->cpu, ga->pc_regnum, b, len);
	}
	set_all_actions(step ? GDB_ACT_NONE : GDB_ACT_CONT);
	if (h)
		h->action = step ? GDB_ACT_STEP : GDB_ACT_CONT;
	return GDB_CMD_RESUME;
}

/* vCont;action[:tid];... (E.2): each hart takes the first action that names it or all. */
static enum gdb_cmd_result vcont(const char *s)
{
	bool *set = calloc(gdb.nharts + 1, sizeof(*set));

	if (!set)
		goto bad;
	set_all_actions(GDB_ACT_NONE);
	while (*s == ';') {
		char a = *++s;
		enum gdb_action act;
		int tid = -1;
		uint64_t sig;

		s++;
		if (a == 'c' || a == 'C')
			act = GDB_ACT_CONT;
		else if (a == 's' || a == 'S')
			act = GDB_ACT_STEP;
		else if (a == 't')
			act = GDB_ACT_NONE;
		else
			goto bad;
		if ((a == 'C' || a == 'S') && !parse_hex(&s, &sig))
			goto bad;
		if (*s == ':') {
			s++;
			if (!parse_tid(&s, &tid))
				goto bad;
		}
		if (*s && *s != ';')
			goto bad;
		for (unsigned i = 0; i < gdb.nharts; i++) {
			if (set[i] || (tid > 0 && gdb.harts[i]->tid != tid))
				continue;
			gdb.harts[i]->action = act;
			set[i] = true;
		}
	}
	if (*s)
		goto bad;
	free(set);
	return GDB_CMD_RESUME;
bad:
	free(set);
	strcpy(reply, "E01");
	return GDB_CMD_REPLIED;
}

/* ---- queries ---- */

static void supported(const char *s)
{
	gdb_knows_swbreak = strstr(s, "swbreak+") != NULL;
	gdb_knows_hwbreak = strstr(s, "hwbreak+") != NULL;
	snprintf(reply, sizeof(reply),
		 "PacketSize=%x;QStartNoAckMode+;qXfer:features:read+;swbreak+;hwbreak+;"
		 "vContSupported+",
		 GDB_PACKET_SIZE);
}

/* qXfer:features:read:ANNEX:OFFSET,LENGTH */
static bool xfer_features(struct rsp_conn *c, const char *s)
{
	struct gdb_hart *h = selected(gdb.g_tid);
	const struct gdb_arch *ga = arch_of(h);
	char annex[64];
	const char *colon = strchr(s, ':');
	uint64_t off, len;

	if (!colon || (size_t)(colon - s) >= sizeof(annex)) {
		strcpy(reply, "E00");
		return false;
	}
	memcpy(annex, s, (size_t)(colon - s));
	annex[colon - s] = 0;
	s = colon + 1;
	if (!parse_addr_len(&s, &off, &len, 0)) {
		strcpy(reply, "E00");
		return false;
	}
	const char *xml = ga && ga->target_xml ? ga->target_xml(h->cpu, annex) : NULL;
	if (!xml) {
		strcpy(reply, "E00");
		return false;
	}
	size_t total = strlen(xml);
	if (len > GDB_PACKET_SIZE / 2)
		len = GDB_PACKET_SIZE / 2; /* room for escapes */
	if (off >= total) {
		rsp_send(c, "l");
		return true;
	}
	size_t n = total - off < len ? total - off : len;
	rsp_send_bin(c, off + n >= total ? 'l' : 'm', xml + off, n);
	return true;
}

static enum gdb_cmd_result query(struct rsp_conn *c, const char *p)
{
	if (!strncmp(p, "qSupported", 10)) {
		supported(p);
	} else if (!strcmp(p, "qC")) {
		snprintf(reply, sizeof(reply), "QC%x", selected(gdb.g_tid) ? selected(gdb.g_tid)->tid : 1);
	} else if (!strcmp(p, "qfThreadInfo")) {
		thread_list();
	} else if (!strcmp(p, "qsThreadInfo")) {
		strcpy(reply, "l");
	} else if (!strncmp(p, "qThreadExtraInfo,", 17)) {
		const char *s = p + 17;
		int tid;
		if (parse_tid(&s, &tid))
			thread_extra_info(tid);
		else
			strcpy(reply, "E01");
	} else if (!strncmp(p, "qAttached", 9)) {
		strcpy(reply, "1"); /* quitting GDB detaches, the guest runs on */
	} else if (!strcmp(p, "qSymbol::")) {
		strcpy(reply, "OK");
	} else if (!strncmp(p, "qXfer:features:read:", 20)) {
		if (xfer_features(c, p + 20))
			return GDB_CMD_REPLIED;
	} else if (!strcmp(p, "QStartNoAckMode")) {
		rsp_send(c, "OK");
		c->no_ack = true; /* after the OK, which GDB still acks */
		return GDB_CMD_REPLIED;
	} else {
		reply[0] = 0;
	}
	rsp_send(c, reply);
	return GDB_CMD_REPLIED;
}

/* ---- dispatch ---- */

enum gdb_cmd_result gdb_handle_packet(struct rsp_conn *c, char *pkt, size_t len)
{
	const char *s = pkt + 1;
	enum gdb_cmd_result r = GDB_CMD_REPLIED;
	int tid;

	reply[0] = 0;
	switch (pkt[0]) {
	case 'q':
	case 'Q':
		return query(c, pkt);
	case '?':
		gdb_stop_reply(reply, sizeof(reply));
		break;
	case 'g':
		read_all_regs(selected(gdb.g_tid));
		break;
	case 'G':
		write_all_regs(selected(gdb.g_tid), s);
		break;
	case 'p':
		read_one_reg(selected(gdb.g_tid), s);
		break;
	case 'P':
		write_one_reg(selected(gdb.g_tid), s);
		break;
	case 'm':
		read_memory(selected(gdb.g_tid), s);
		break;
	case 'M':
		write_memory(selected(gdb.g_tid), s, len - 1, false);
		break;
	case 'X':
		write_memory(selected(gdb.g_tid), s, len - 1, true);
		break;
	case 'Z':
	case 'z':
		breakpoint(s, pkt[0] == 'Z');
		break;
	case 'H':
		if ((s[0] != 'g' && s[0] != 'c') || (s++, !parse_tid(&s, &tid)) || *s ||
		    (tid > 0 && !gdb_hart_by_tid(tid))) {
			strcpy(reply, "E01");
			break;
		}
		if (pkt[1] == 'g')
			gdb.g_tid = tid;
		else
			gdb.c_tid = tid;
		strcpy(reply, "OK");
		break;
	case 'T':
		strcpy(reply, parse_tid(&s, &tid) && !*s && gdb_hart_by_tid(tid) ? "OK" : "E01");
		break;
	case 'c':
	case 's':
		r = legacy_resume(s, pkt[0] == 's', false);
		break;
	case 'C':
	case 'S':
		r = legacy_resume(s, pkt[0] == 'S', true);
		break;
	case 'v':
		if (!strcmp(pkt, "vCont?")) {
			strcpy(reply, "vCont;c;C;s;S;t");
		} else if (!strncmp(pkt, "vCont;", 6)) {
			r = vcont(pkt + 5);
		} else if (!strncmp(pkt, "vKill", 5)) {
			rsp_send(c, "OK");
			return GDB_CMD_KILL;
		}
		break;
	case 'D':
		rsp_send(c, "OK");
		return GDB_CMD_DETACH;
	case 'k':
		return GDB_CMD_KILL;
	default:
		break;
	}
	if (r == GDB_CMD_REPLIED)
		rsp_send(c, reply);
	return r;
}
