/*
 * `morph system [options]`: whole-machine emulation. Options follow QEMU's
 * names where they have one; the execution options (--interp, --trace...)
 * are the ones `morph run` takes.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "morph/exec.h"
#include "morph/gdbstub.h"
#include "morph/machine.h"
#include "src/system/system.h"

static void system_usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: morph system [options]\n"
	    "\n"
	    "Emulate a whole RISC-V machine: firmware, kernel, devices.\n"
	    "\n"
	    "options:\n"
	    "  -M, --machine NAME    board: virt (default), spike, malta; 'help' lists them\n"
	    "  --bios FILE|none      firmware (ELF or raw, loaded at the start of RAM);\n"
	    "                        default for virt: OpenSBI fw_dynamic.bin from the\n"
	    "                        guest cache (scripts/fetch-guest-system.sh); none: run\n"
	    "                        the kernel or ELF program directly in M-mode\n"
	    "  --kernel FILE         Linux Image (or an ELF program)\n"
	    "  --initrd FILE         initial ramdisk\n"
	    "  --append CMDLINE      kernel command line\n"
	    "  --drive FILE[,readonly][,snapshot]\n"
	    "                        a virtio-blk disk on a raw image (repeatable);\n"
	    "                        snapshot: writes stay in memory\n"
	    "  --net user[,hostfwd=tcp::HOSTPORT-:GUESTPORT]...\n"
	    "                        virtio-net with user-mode NAT (host loopback at 10.0.2.2)\n"
	    "                        (malta: --drive and --net are virtio-pci functions in\n"
	    "                        its 4 PCI slots)\n"
	    "  --rng                 a virtio-rng device\n"
	    "  --trap-misaligned     misaligned loads/stores raise address-misaligned\n"
	    "                        exceptions (default: performed, as by hardware)\n"
	    "  --console-device      a virtio-console (hvc0) that gets the terminal's input\n"
	    "  -m, --memory SIZE     RAM, e.g. 512M, 2G (default 512M; a plain number is MiB)\n"
	    "  --smp N               number of harts (default 1)\n"
	    "  --dtb FILE            use this device tree instead of the generated one\n"
	    "  --dump-dtb FILE       write the device tree to FILE and exit\n"
	    "  --seed N              reproducible entropy (virtio-rng, /chosen/rng-seed)\n"
	    "  --display sdl|none|off\n"
	    "                        sdl: the screen in a window (virtio-gpu, keyboard,\n"
	    "                        tablet); none: the same devices without a window;\n"
	    "                        off: no display devices. Default: sdl when $DISPLAY or\n"
	    "                        $WAYLAND_DISPLAY is set, else off\n"
	    "  --screenshot FILE.png the screen as PNG when the machine stops (implies a\n"
	    "                        display: none if there is no window)\n"
	    "  -h, --help            this text\n"
	    "\n"
	    "execution and tracing options:\n"
	    "%s"
	    "\n"
	    "On a terminal the console is raw: Ctrl-A x quits, Ctrl-A h lists the keys.\n"
	    "Exit status: 0 when the guest powers off; a failure code the guest reports\n"
	    "(sifive_test, HTIF tohost); 1 on errors; 128+N when stopped by signal N.\n",
	    exec_options_help());
}

/* GDB's kill: stop the machine as SIGTERM does (the terminal is restored). */
static void sys_gdb_kill(void)
{
	kill(getpid(), SIGTERM);
}

uint64_t sys_parse_size(const char *s)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1ull << 20; /* no suffix: MiB, as QEMU's -m */

	if (!s || !*s || *s == '-')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return 0;
	switch (*end) {
	case '\0':
		break;
	case 'k':
	case 'K':
		mul = 1ull << 10;
		end++;
		break;
	case 'm':
	case 'M':
		end++;
		break;
	case 'g':
	case 'G':
		mul = 1ull << 30;
		end++;
		break;
	case 't':
	case 'T':
		mul = 1ull << 40;
		end++;
		break;
	case 'b':
	case 'B':
		mul = 1;
		end++;
		break;
	default:
		return 0;
	}
	if ((*end == 'i' || *end == 'I') && (end[1] == 'b' || end[1] == 'B'))
		end += 2;
	else if (*end == 'b' || *end == 'B')
		end++;
	if (*end || v > UINT64_MAX / mul)
		return 0;
	return (uint64_t)v * mul;
}

static int list_machines(FILE *f)
{
	const struct machine_class *const *mc = machine_class_list();

	fprintf(f, "machines:\n");
	for (; *mc; mc++)
		fprintf(f, "  %-8s %s\n", (*mc)->name, (*mc)->desc);
	return 0;
}

static int bad(const char *fmt, const char *arg)
{
	fputs("morph: system: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return 2;
}

static void free_opts(struct machine_opts *o)
{
	for (unsigned i = 0; i < o->ndrives; i++)
		free(o->drives[i].path);
	free(o);
}

int system_cmd(int argc, char **argv)
{
	struct machine_opts *o = calloc(1, sizeof(*o));
	struct machine *m;
	char err[512];
	bool done;
	int status;

	if (!o)
		return 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = true; /* the option takes a value */

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			system_usage(stdout);
			status = 0;
			goto out;
		} else if (!strcmp(a, "--rng")) {
			o->rng = true;
			takes = false;
		} else if (!strcmp(a, "--trap-misaligned")) {
			o->trap_misaligned = true;
			takes = false;
		} else if (!strcmp(a, "--console-device")) {
			o->console_device = true;
			takes = false;
		} else if (strcmp(a, "-M") && strcmp(a, "--machine") && strcmp(a, "--bios") &&
			   strcmp(a, "--kernel") && strcmp(a, "--initrd") &&
			   strcmp(a, "--append") && strcmp(a, "--drive") && strcmp(a, "--net") &&
			   strcmp(a, "-m") && strcmp(a, "--memory") && strcmp(a, "--smp") &&
			   strcmp(a, "--dtb") && strcmp(a, "--dump-dtb") && strcmp(a, "--seed") &&
			   strcmp(a, "--display") && strcmp(a, "--screenshot")) {
			int r = exec_parse_option(argc, argv, &i, &o->exec);

			if (r < 0) {
				status = 2;
				goto out;
			}
			if (r == 0) {
				status = bad("unknown option '%s' (try 'morph system --help')", a);
				goto out;
			}
			continue;
		}
		if (!takes)
			continue;
		if (!val) {
			status = bad("%s needs a value", a);
			goto out;
		}
		i++;
		if (!strcmp(a, "-M") || !strcmp(a, "--machine")) {
			if (!strcmp(val, "help") || !strcmp(val, "?")) {
				list_machines(stdout);
				status = 0;
				goto out;
			}
			if (!machine_class_find(val)) {
				status = bad("unknown machine '%s' (try --machine help)", val);
				goto out;
			}
			o->machine = val;
		} else if (!strcmp(a, "--bios")) {
			o->bios = val;
		} else if (!strcmp(a, "--kernel")) {
			o->kernel = val;
		} else if (!strcmp(a, "--initrd")) {
			o->initrd = val;
		} else if (!strcmp(a, "--append")) {
			o->append = val;
		} else if (!strcmp(a, "--dtb")) {
			o->dtb = val;
		} else if (!strcmp(a, "--dump-dtb")) {
			o->dump_dtb = val;
		} else if (!strcmp(a, "--display")) {
			if (!strcmp(val, "sdl")) {
				o->display = DISPLAY_SDL;
			} else if (!strcmp(val, "none")) {
				o->display = DISPLAY_NONE;
			} else if (!strcmp(val, "off")) {
				o->display = DISPLAY_OFF;
			} else {
				status = bad("unknown --display '%s' (sdl, none or off)", val);
				goto out;
			}
		} else if (!strcmp(a, "--screenshot")) {
			o->screenshot = val;
		} else if (!strcmp(a, "--drive")) {
			struct machine_drive *d = &o->drives[o->ndrives];

			if (o->ndrives == MACHINE_MAX_DRIVES) {
				status = bad("at most %s --drive options", "6");
				goto out;
			}
			if (blockdev_parse_spec(val, &d->path, &d->flags, err, sizeof(err)) < 0) {
				status = bad("--drive: %s", err);
				goto out;
			}
			o->ndrives++;
		} else if (!strcmp(a, "--net")) {
			if (o->net) {
				status = bad("%s", "only one --net is supported");
				goto out;
			}
			if (netdev_user_parse(val, &o->net_opts, err, sizeof(err)) < 0) {
				status = bad("--net: %s", err);
				goto out;
			}
			o->net = true;
		} else if (!strcmp(a, "-m") || !strcmp(a, "--memory")) {
			o->ram_size = sys_parse_size(val);
			if (o->ram_size < (16ull << 20) || o->ram_size > (1ull << 40) ||
			    (o->ram_size & 0xfff)) {
				status =
				    bad("bad memory size '%s' (16M to 1T, e.g. 512M or 2G)", val);
				goto out;
			}
		} else if (!strcmp(a, "--smp")) {
			char *end;
			unsigned long n = strtoul(val, &end, 10);

			if (*end || n == 0 || n > MACHINE_MAX_HARTS) {
				status = bad("bad --smp value '%s' (1 to 32)", val);
				goto out;
			}
			o->smp = (unsigned)n;
		} else if (!strcmp(a, "--seed")) {
			char *end;

			errno = 0;
			o->seed = strtoull(val, &end, 0);
			if (errno || !*val || *end) {
				status = bad("--seed needs a number, not '%s'", val);
				goto out;
			}
			o->have_seed = true;
		}
	}

	m = machine_create(o, &done, err, sizeof(err));
	if (!m) {
		fprintf(stderr, "morph: system: %s\n", err);
		status = 1;
		goto out;
	}
	gdbstub_set_kill(sys_gdb_kill);
	status = done ? 0 : machine_run(m);
	gdbstub_exit(status, 0);
	if (machine_free(m) < 0 && status == 0)
		status = 1;
out:
	free_opts(o);
	return status;
}
