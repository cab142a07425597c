/*
 * mime.h - the MIME type of a saved file, for finding a program to show it
 * (app/mailcap.h): from its name's extension, else from its first bytes.
 *
 * Downloads keep no record of the Content-Type a system served (sync/attach.h
 * saves the bytes under the name the system gave), and the systems' names
 * carry the extension their clerks' scanners wrote, so the name is what
 * there is.  A short table of what commune dossiers hold (scans as PDF,
 * JPEG, PNG, TIFF; office documents; archives; signatures), not the
 * system's mime.types: the same answer on every terminal.
 */
#ifndef MOTCUA_APP_MIME_H
#define MOTCUA_APP_MIME_H

#include <stddef.h>

/*
 * The type of the file at path ("application/pdf"), into buf (size bytes,
 * cut when smaller than the type): by the extension of its name (case does
 * not matter), else by its first bytes (%PDF-, PNG, JPEG, GIF, TIFF, ZIP),
 * else "text/plain" when its first 4 KiB hold no NUL byte, else
 * "application/octet-stream".  Returns buf.
 */
char *app_mime_type(const char *path, char *buf, size_t size);

#endif
