/*
 * mime.c - a saved file's MIME type by its name, else its first bytes
 * (mime.h).  Reads at most 4 KiB of the file; writes nothing.
 */
#include "app/mime.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const struct {
	const char *ext;
	const char *type;
} by_ext[] = {
	{"pdf", "application/pdf"},
	{"jpg", "image/jpeg"},
	{"jpeg", "image/jpeg"},
	{"jpe", "image/jpeg"},
	{"png", "image/png"},
	{"gif", "image/gif"},
	{"tif", "image/tiff"},
	{"tiff", "image/tiff"},
	{"bmp", "image/bmp"},
	{"webp", "image/webp"},
	{"svg", "image/svg+xml"},
	{"txt", "text/plain"},
	{"csv", "text/csv"},
	{"htm", "text/html"},
	{"html", "text/html"},
	{"xml", "application/xml"},
	{"json", "application/json"},
	{"rtf", "application/rtf"},
	{"doc", "application/msword"},
	{"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	{"xls", "application/vnd.ms-excel"},
	{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	{"ppt", "application/vnd.ms-powerpoint"},
	{"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
	{"odt", "application/vnd.oasis.opendocument.text"},
	{"ods", "application/vnd.oasis.opendocument.spreadsheet"},
	{"odp", "application/vnd.oasis.opendocument.presentation"},
	{"zip", "application/zip"},
	{"rar", "application/vnd.rar"},
	{"7z", "application/x-7z-compressed"},
	{"p7s", "application/pkcs7-signature"},
	{"p7m", "application/pkcs7-mime"},
};

static const struct {
	const char *magic;
	size_t len;
	const char *type;
} by_magic[] = {
	{"%PDF-", 5, "application/pdf"},
	{"\x89PNG\r\n\x1a\n", 8, "image/png"},
	{"\xff\xd8\xff", 3, "image/jpeg"},
	{"GIF87a", 6, "image/gif"},
	{"GIF89a", 6, "image/gif"},
	{"II*\0", 4, "image/tiff"},
	{"MM\0*", 4, "image/tiff"},
	{"PK\x03\x04", 4, "application/zip"},
};

char *
app_mime_type(const char *path, char *buf, size_t size)
{
	const char *base = strrchr(path, '/'), *dot;
	const char *type = "application/octet-stream";
	unsigned char head[4096];
	ssize_t n = -1;
	int fd;

	base = base != NULL ? base + 1 : path;
	dot = strrchr(base, '.');
	if (dot != NULL && dot != base) {
		for (size_t i = 0; i < sizeof by_ext / sizeof by_ext[0]; i++) {
			if (strcasecmp(dot + 1, by_ext[i].ext) == 0) {
				snprintf(buf, size, "%s", by_ext[i].type);
				return buf;
			}
		}
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd >= 0) {
		n = read(fd, head, sizeof head);
		close(fd);
	}
	for (size_t i = 0; n > 0 && i < sizeof by_magic / sizeof by_magic[0]; i++) {
		if ((size_t)n >= by_magic[i].len && memcmp(head, by_magic[i].magic, by_magic[i].len) == 0) {
			type = by_magic[i].type;
			break;
		}
	}
	if (n > 0 && strcmp(type, "application/octet-stream") == 0 &&
	    memchr(head, '\0', (size_t)n) == NULL)
		type = "text/plain";
	snprintf(buf, size, "%s", type);
	return buf;
}
