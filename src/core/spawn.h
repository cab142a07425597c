/*
 * spawn.h - what a program this process starts gets, for posix_spawn:
 * SIGINT, SIGQUIT, SIGTSTP and SIGPIPE back to their default action, an
 * empty signal mask (whatever this process ignores or blocks), and only
 * the file descriptors below `keep_below` (the console's sockets, pipes and
 * store are none of its business; on glibc before 2.34, which cannot close
 * the rest in the child, they stay open, close-on-exec as they are made).
 * The caller adds its own file actions after, and destroys both.
 */
#ifndef MOTCUA_CORE_SPAWN_H
#define MOTCUA_CORE_SPAWN_H

#include <spawn.h>
#include <stdbool.h>

/* 0, or -1 with nothing left to destroy.  own_group: a process group of
 * its own (a hung child is then killed whole). */
int spawn_prepare(posix_spawnattr_t *attr, posix_spawn_file_actions_t *fa, bool own_group);

/* Close every fd from `from` up in the child (after the caller's own
 * dup2s); 0 also where that cannot be asked for. */
int spawn_close_from(posix_spawn_file_actions_t *fa, int from);

#endif
