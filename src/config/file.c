/*
 * file.c - reading one configuration file as untrusted input (file.h).
 */
#include "config/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"

int
config_file_read(const char *path, size_t max, char **text, size_t *len, const char **why)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	size_t n = 0;
	char *buf;

	*text = NULL;
	*len = 0;
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		if (errno == ELOOP) {
			*why = "a symbolic link: give the file itself";
			return CONFIG_FILE_E_SYMLINK;
		}
		*why = strerror(errno);
		return CONFIG_FILE_E_READ;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*why = "not a regular file";
		close(fd);
		return CONFIG_FILE_E_NOT_REGULAR;
	}
	if (st.st_uid != getuid() && st.st_uid != 0) {
		*why = "owned by another user: only the user's own files or root's are read";
		close(fd);
		return CONFIG_FILE_E_OWNER;
	}
	if ((uintmax_t)st.st_size > (uintmax_t)max) {
		*why = "too large";
		close(fd);
		return CONFIG_FILE_E_TOO_BIG;
	}
	buf = xmalloc(max + 1);
	for (;;) {
		ssize_t r = read(fd, buf + n, max + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*why = strerror(errno);
			free(buf);
			close(fd);
			return CONFIG_FILE_E_READ;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			*why = "too large";
			free(buf);
			close(fd);
			return CONFIG_FILE_E_TOO_BIG;
		}
	}
	close(fd);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

void
config_file_json_error(const json_error_t *err, char *buf, size_t size)
{
	const char *near = strstr(err->text, " near ");
	size_t n = near != NULL ? (size_t)(near - err->text) : strlen(err->text);

	snprintf(buf, size, "%.*s", (int)n, err->text);
}
