/*
 * Files and directories: open/openat, read/write, pread/pwrite, readv/writev, lseek, stat and
 * fstatat, rename, unlink, mkdir/rmdir, getdents through readdir, symlinks, dup/dup2/dup3,
 * fcntl, pipes, ftruncate, chdir/getcwd. Works in a fresh directory under $TMPDIR or /tmp.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/uio.h>

static int failures;

#define CHECK(cond)                                                                       \
	do {                                                                              \
		if (!(cond)) {                                                            \
			printf("FAIL line %d: %s (errno %d)\n", __LINE__, #cond, errno);  \
			failures++;                                                       \
		}                                                                         \
	} while (0)

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *path)
{
	char *names[64];
	int n = 0, i;
	struct dirent *de;
	DIR *d = opendir(path);

	CHECK(d != NULL);
	if (!d)
		return;
	while ((de = readdir(d)) && n < 64) {
		char type = de->d_type == DT_DIR ? 'd' : de->d_type == DT_REG ? 'f' :
			    de->d_type == DT_LNK ? 'l' : de->d_type == DT_UNKNOWN ? '?' : 'o';

		/* d_type may be DT_UNKNOWN on some file systems: then ask lstat. */
		if (type == '?') {
			struct stat st;

			if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
				type = S_ISDIR(st.st_mode) ? 'd' : S_ISREG(st.st_mode) ? 'f' :
				       S_ISLNK(st.st_mode) ? 'l' : 'o';
		}
		if (asprintf(&names[n], "%s (%c)", de->d_name, type) > 0)
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	printf("listing of %s:", strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
	for (i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

static void test_read_write(void)
{
	char buf[64];
	struct stat st;
	int fd = open("data.txt", O_CREAT | O_EXCL | O_WRONLY | O_TRUNC, 0644);
	ssize_t n;
	off_t off;

	CHECK(fd >= 0);
	n = write(fd, "hello, world\n", 13);
	printf("write: %zd\n", n);
	CHECK(close(fd) == 0);

	/* O_EXCL on an existing file fails with EEXIST. */
	errno = 0;
	CHECK(open("data.txt", O_CREAT | O_EXCL | O_WRONLY, 0644) == -1);
	printf("O_EXCL again: %s\n", errno == EEXIST ? "EEXIST" : strerror(errno));

	fd = open("data.txt", O_RDWR | O_APPEND);
	CHECK(fd >= 0);
	n = write(fd, "second line\n", 12);
	printf("append: %zd\n", n);
	CHECK(fstat(fd, &st) == 0);
	printf("size after append: %lld, regular: %d, mode: %o\n", (long long)st.st_size,
	       S_ISREG(st.st_mode), (unsigned)(st.st_mode & 0777) & ~0022u);

	off = lseek(fd, 7, SEEK_SET);
	printf("lseek SEEK_SET 7: %lld\n", (long long)off);
	memset(buf, 0, sizeof(buf));
	n = read(fd, buf, 5);
	printf("read 5: %zd [%s]\n", n, buf);
	printf("lseek SEEK_CUR 0: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
	printf("lseek SEEK_END -5: %lld\n", (long long)lseek(fd, -5, SEEK_END));
	memset(buf, 0, sizeof(buf));
	n = read(fd, buf, sizeof(buf) - 1);
	printf("read to end: %zd [%.*s]\n", n, (int)(n > 0 ? n - 1 : 0), buf);
	n = read(fd, buf, sizeof(buf));
	printf("read at EOF: %zd\n", n);

	/* pread/pwrite do not move the file offset. */
	memset(buf, 0, sizeof(buf));
	n = pread(fd, buf, 4, 0);
	printf("pread 4 at 0: %zd [%s], offset still %lld\n", n, buf, (long long)lseek(fd, 0, SEEK_CUR));
	CHECK(close(fd) == 0);
	fd = open("data.txt", O_RDWR);
	n = pwrite(fd, "HELLO", 5, 0);
	printf("pwrite: %zd, offset still %lld\n", n, (long long)lseek(fd, 0, SEEK_CUR));
	memset(buf, 0, sizeof(buf));
	n = read(fd, buf, 12);
	printf("read after pwrite: [%s]\n", buf);

	/* ftruncate shrinks and then extends with zeros. */
	CHECK(ftruncate(fd, 5) == 0);
	CHECK(ftruncate(fd, 8) == 0);
	memset(buf, 'x', sizeof(buf));
	n = pread(fd, buf, sizeof(buf), 0);
	printf("after truncate: %zd bytes: %.5s %d %d %d\n", n, buf, buf[5], buf[6], buf[7]);
	CHECK(close(fd) == 0);
}

static void test_iovec(void)
{
	struct iovec iov[3];
	char a[4] = { 0 }, b[6] = { 0 }, c[8] = { 0 };
	int fd = open("vec.bin", O_CREAT | O_RDWR | O_TRUNC, 0600);
	ssize_t n;

	iov[0] = (struct iovec){ "abc", 3 };
	iov[1] = (struct iovec){ "defgh", 5 };
	iov[2] = (struct iovec){ "ijklmno", 7 };
	n = writev(fd, iov, 3);
	printf("writev: %zd\n", n);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	iov[0] = (struct iovec){ a, 3 };
	iov[1] = (struct iovec){ b, 5 };
	iov[2] = (struct iovec){ c, 7 };
	n = readv(fd, iov, 3);
	printf("readv: %zd [%s] [%s] [%s]\n", n, a, b, c);
	close(fd);
}

static void test_stat_rename(void)
{
	struct stat st;
	int dfd, fd;
	char buf[32];
	ssize_t n;

	CHECK(mkdir("sub", 0755) == 0);
	errno = 0;
	CHECK(mkdir("sub", 0755) == -1);
	printf("mkdir existing: %s\n", errno == EEXIST ? "EEXIST" : strerror(errno));

	/* openat/fstatat relative to a directory descriptor. */
	dfd = open("sub", O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	fd = openat(dfd, "inner.txt", O_CREAT | O_WRONLY, 0600);
	CHECK(fd >= 0);
	CHECK(write(fd, "0123456789", 10) == 10);
	close(fd);
	CHECK(fstatat(dfd, "inner.txt", &st, 0) == 0);
	printf("fstatat inner.txt: size %lld\n", (long long)st.st_size);
	CHECK(stat("sub/inner.txt", &st) == 0);
	printf("stat sub/inner.txt: size %lld, nlink %lu\n", (long long)st.st_size,
	       (unsigned long)st.st_nlink);
	CHECK(stat("sub", &st) == 0);
	printf("stat sub: dir %d\n", S_ISDIR(st.st_mode));

	CHECK(renameat(dfd, "inner.txt", dfd, "moved.txt") == 0);
	errno = 0;
	printf("old name after rename: %s\n",
	       fstatat(dfd, "inner.txt", &st, 0) == -1 && errno == ENOENT ? "ENOENT" : "exists");
	CHECK(rename("sub/moved.txt", "top.txt") == 0);
	CHECK(stat("top.txt", &st) == 0);
	printf("renamed to top.txt: size %lld\n", (long long)st.st_size);

	/* Hard link and symlink. */
	CHECK(link("top.txt", "hard.txt") == 0);
	CHECK(stat("top.txt", &st) == 0);
	printf("nlink after link: %lu\n", (unsigned long)st.st_nlink);
	CHECK(symlink("top.txt", "soft.txt") == 0);
	n = readlink("soft.txt", buf, sizeof(buf));
	printf("readlink: %zd [%.*s]\n", n, (int)(n > 0 ? n : 0), buf);
	CHECK(lstat("soft.txt", &st) == 0);
	printf("lstat soft.txt: link %d\n", S_ISLNK(st.st_mode));
	CHECK(stat("soft.txt", &st) == 0);
	printf("stat soft.txt: size %lld\n", (long long)st.st_size);
	CHECK(faccessat(AT_FDCWD, "soft.txt", R_OK, 0) == 0);
	printf("access nonexistent: %s\n",
	       access("nonexistent", F_OK) == -1 && errno == ENOENT ? "ENOENT" : "?");

	CHECK(mkdirat(dfd, "deeper", 0700) == 0);
	list_dir(".");
	list_dir("sub");

	CHECK(unlink("hard.txt") == 0);
	CHECK(unlinkat(AT_FDCWD, "soft.txt", 0) == 0);
	CHECK(unlinkat(dfd, "deeper", AT_REMOVEDIR) == 0);
	errno = 0;
	CHECK(rmdir("sub") == 0);
	close(dfd);
	list_dir(".");
}

static void test_dup_pipe(void)
{
	int p[2], fd, fd2, flags;
	char buf[32] = { 0 };
	ssize_t n;

	CHECK(pipe(p) == 0);
	n = write(p[1], "through the pipe", 16);
	printf("pipe write: %zd\n", n);
	n = read(p[0], buf, sizeof(buf));
	printf("pipe read: %zd [%s]\n", n, buf);
	close(p[1]);
	n = read(p[0], buf, sizeof(buf));
	printf("pipe read after close: %zd\n", n);
	close(p[0]);

	CHECK(pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0);
	flags = fcntl(p[0], F_GETFD);
	printf("pipe2 cloexec: %d\n", !!(flags & FD_CLOEXEC));
	errno = 0;
	n = read(p[0], buf, 1);
	printf("nonblocking empty read: %zd %s\n", n, errno == EAGAIN ? "EAGAIN" : strerror(errno));
	close(p[0]);
	close(p[1]);

	fd = open("data.txt", O_RDONLY);
	fd2 = dup(fd);
	printf("dup gives a new fd: %d\n", fd2 > fd);
	/* Duplicates share the file offset. */
	CHECK(lseek(fd, 3, SEEK_SET) == 3);
	printf("offset seen through dup: %lld\n", (long long)lseek(fd2, 0, SEEK_CUR));
	CHECK(dup2(fd, 40) == 40);
	printf("fd 40 valid: %d\n", fcntl(40, F_GETFD) != -1);
	CHECK(dup3(fd, 41, O_CLOEXEC) == 41);
	printf("dup3 cloexec: %d, dup2 cloexec: %d\n", !!(fcntl(41, F_GETFD) & FD_CLOEXEC),
	       !!(fcntl(40, F_GETFD) & FD_CLOEXEC));
	errno = 0;
	printf("dup3 same fd: %s\n", dup3(fd, fd, 0) == -1 && errno == EINVAL ? "EINVAL" : "?");
	close(40);
	close(41);
	errno = 0;
	printf("closed fd: %s\n", fcntl(40, F_GETFD) == -1 && errno == EBADF ? "EBADF" : "?");
	fd2 = fcntl(fd, F_DUPFD, 50);
	printf("F_DUPFD >= 50: %d\n", fd2 >= 50);
	close(fd2);
	printf("status flags O_RDONLY: %d\n", (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY);
	close(fd);

	/* Write through stdout's duplicate: the bytes land in the same stream. */
	fflush(stdout);
	fd = dup(1);
	CHECK(write(fd, "written via dup(1)\n", 19) == 19);
	close(fd);
}

int main(void)
{
	char tmpl[PATH_MAX], cwd[PATH_MAX], *dir;
	const char *tmp = getenv("TMPDIR");

	umask(022);
	snprintf(tmpl, sizeof(tmpl), "%s/morph-files-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	dir = mkdtemp(tmpl);
	if (!dir || chdir(dir) != 0) {
		perror("mkdtemp/chdir");
		return 1;
	}
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	printf("getcwd ends with the new directory: %d\n",
	       strcmp(strrchr(cwd, '/'), strrchr(dir, '/')) == 0);

	test_read_write();
	test_iovec();
	test_stat_rename();
	test_dup_pipe();

	CHECK(unlink("data.txt") == 0);
	CHECK(unlink("vec.bin") == 0);
	CHECK(unlink("top.txt") == 0);
	CHECK(chdir("..") == 0);
	CHECK(rmdir(dir) == 0);
	printf("failures: %d\n", failures);
	return failures != 0;
}
