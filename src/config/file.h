/*
 * file.h - reading one configuration file (config.json, a source profile, a
 * calendar notice, the procedure catalogue) as untrusted input.
 *
 * The file must be a regular file, not a symbolic link (a link in the
 * clerk's folder could point at any file the clerk, or root, can read), owned
 * by the user who runs motcua or by root, and at most `max` bytes.  A file
 * that fails to parse is named with its line, never quoted: jansson's "near
 * 'TOKEN'" would echo a word of whatever file it is.
 *
 * No state; nothing is kept after the call.
 */
#ifndef MOTCUA_CONFIG_FILE_H
#define MOTCUA_CONFIG_FILE_H

#include <stddef.h>

#include <jansson.h>

/*
 * Read path whole.  0 with *text (malloc'd, NUL-terminated; the caller frees)
 * and *len; 1 when it does not exist; a CONFIG_FILE_E_ code, with *why in
 * English for logs and warnings (static text or strerror), when it cannot
 * be used.
 */
enum {
	CONFIG_FILE_E_READ = -1,    /* the system's reason in *why */
	CONFIG_FILE_E_TOO_BIG = -2,
	CONFIG_FILE_E_SYMLINK = -3,
	CONFIG_FILE_E_NOT_REGULAR = -4,
	CONFIG_FILE_E_OWNER = -5,
};
int config_file_read(const char *path, size_t max, char **text, size_t *len, const char **why);

/* jansson's message for err without the quoted "near '...'" part. */
void config_file_json_error(const json_error_t *err, char *buf, size_t size);

#endif
